package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.Receive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A broken {@code @Receive} method is reported at startup as a description and an action,
 * not a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReceiveHandlerFailureAnalyzerTest {

	@Test
	void duplicateHandlersAreReportedWithAnAction(CapturedOutput output) {
		SpringApplication application = new SpringApplication(BrokenApplication.class);
		application.setDefaultProperties(java.util.Map.of("server.port", "0", "server.address", "127.0.0.1"));
		assertThatExceptionOfType(ReceiveHandlerDefinitionException.class).isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Two @Receive(\"chat\") handlers: ")
			.contains("Each envelope name needs exactly one handler: rename or remove one of them.");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BrokenApplication {

		@Bean
		First first() {
			return new First();
		}

		@Bean
		Second second() {
			return new Second();
		}

	}

	static class First {

		@Receive("chat")
		void chat(String text) {
		}

	}

	static class Second {

		@Receive("chat")
		void chat(String text) {
		}

	}

}
