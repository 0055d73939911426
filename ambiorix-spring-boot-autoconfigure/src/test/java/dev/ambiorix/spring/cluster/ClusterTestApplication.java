package dev.ambiorix.spring.cluster;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.MemberLeftEvent;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * An application whose handlers drive groups, users and presence from real clients. A
 * {@code ?user=} query parameter stands in for authentication.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ClusterTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(ClusterTestApplication.class, args);
	}

	@Bean
	GroupHandlers groupHandlers() {
		return new GroupHandlers();
	}

	@Bean
	LeaveEvents leaveEvents() {
		return new LeaveEvents();
	}

	@Bean
	Filter userFromQuery() {
		return (ServletRequest request, ServletResponse response, FilterChain chain) -> {
			String user = request.getParameter("user");
			if (user == null) {
				chain.doFilter(request, response);
				return;
			}
			Principal principal = () -> user;
			chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {

				@Override
				public Principal getUserPrincipal() {
					return principal;
				}

			}, response);
		};
	}

	public record Target(String to, @Nullable JsonNode message) {
	}

	static class GroupHandlers {

		@Receive("join")
		String join(String group, WebSocketClient client) {
			client.join(group);
			return group;
		}

		@Receive("leave")
		String leave(String group, WebSocketClient client) {
			client.leave(group);
			return group;
		}

		@Receive("groups")
		List<String> groups(WebSocketClient client) {
			return client.groups().stream().sorted().toList();
		}

		@Receive("presence")
		String presence(JsonNode presence, WebSocketClient client) {
			client.setPresence(presence);
			return "ok";
		}

		@Receive("toGroup")
		void toGroup(Target target, WebSocketClients clients) {
			clients.group(target.to()).broadcast("news", target.message());
		}

		@Receive("toGroupExcept")
		void toGroupExcept(Target target, WebSocketClient sender, WebSocketClients clients) {
			clients.group(target.to()).broadcastExcept(sender, "news", target.message());
		}

		@Receive("toUser")
		void toUser(Target target, WebSocketClients clients) {
			clients.user(target.to()).broadcast("news", target.message());
		}

		@Receive("toClient")
		void toClient(Target target, WebSocketClients clients) {
			clients.send(target.to(), "news", target.message());
		}

		@Receive("toAll")
		void toAll(JsonNode message, WebSocketClients clients) {
			clients.broadcast("news", message);
		}

		@Receive("count")
		int count(String group, WebSocketClients clients) {
			return clients.group(group).count();
		}

		@Receive("members")
		List<Member> members(String group, WebSocketClients clients) {
			return clients.group(group).members();
		}

		@Receive("whoami")
		String whoami(WebSocketClient client) {
			return client.id();
		}

	}

	/**
	 * Records leave events.
	 */
	public static class LeaveEvents {

		public final List<MemberLeftEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(MemberLeftEvent event) {
			this.events.add(event);
		}

	}

}
