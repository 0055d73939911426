package dev.ambiorix.bench.starter;

import java.lang.management.ManagementFactory;
import java.util.Map;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClients;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark's server on the starter: the same two handlers as the floor and Node.
 */
@SpringBootApplication
public class StarterBenchServer {

	public static void main(String[] args) {
		SpringApplication.run(StarterBenchServer.class, args);
	}

	@Component
	static class BenchHandlers {

		@Receive("echo")
		JsonNode echo(JsonNode message) {
			return message;
		}

		@Receive("chat")
		void chat(JsonNode message, WebSocketClients clients) {
			clients.broadcast("chat", message);
		}

	}

	/**
	 * Investigation only ({@code --bench.tomcat.socket-buffer=2048}): smaller
	 * per-connection socket buffers in Tomcat's NIO connector, 8 KB each for reading and
	 * writing by default. They serve HTTP as well, hence not a default of the starter.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.apache.catalina.connector.Connector")
	@ConditionalOnProperty("bench.tomcat.socket-buffer")
	static class TomcatSocketBuffers {

		@Bean
		TomcatConnectorCustomizer benchSocketBuffers(@Value("${bench.tomcat.socket-buffer}") String size) {
			return (connector) -> {
				connector.setProperty("socket.appReadBufSize", size);
				connector.setProperty("socket.appWriteBufSize", size);
			};
		}

	}

	/**
	 * Live heap after a full collection, read by the harness before and after opening
	 * idle connections.
	 */
	@RestController
	static class HeapEndpoint {

		@GetMapping("/bench/heap")
		Map<String, Long> heap() throws InterruptedException {
			for (int i = 0; i < 3; i++) {
				System.gc();
				Thread.sleep(100);
			}
			return Map.of("heapUsed", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}

	}

}
