package dev.ambiorix.sample.chat;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two chat nodes behind one real Redis, a page on each: they chat in one room, and the
 * online list is right on both, as presence comes from every node.
 */
class TwoNodesBrowserTest {

	@Test
	void twoPagesOnTwoNodesChatInOneRoomAndSeeEachOtherOnline() throws Exception {
		try (LocalRedis redis = new LocalRedis();
				ConfigurableApplicationContext one = node(redis);
				ConfigurableApplicationContext two = node(redis);
				Browser ann = new Browser().open(url(one));
				Browser bob = new Browser().open(url(two))) {
			ann.join("ann-on-one");
			bob.join("bob-on-two");
			ann.waitFor("bob, on the other node, online on ann's page",
					() -> ann.online().equals(List.of("ann-on-one", "bob-on-two")));
			bob.waitFor("ann, on the other node, online on bob's page",
					() -> bob.online().equals(List.of("ann-on-one", "bob-on-two")));
			ann.say("hello from node one");
			bob.waitFor("ann's post relayed to node two",
					() -> bob.posts().contains("ann-on-one: hello from node one"));
			bob.say("hello from node two");
			ann.waitFor("bob's post relayed to node one",
					() -> ann.posts().contains("bob-on-two: hello from node two"));
			bob.close();
			ann.waitFor("bob gone from the list on node one", () -> ann.online().equals(List.of("ann-on-one")));
			ann.waitFor("bob's leave notice on node one", () -> ann.messages().contains("bob-on-two left"));
		}
	}

	private static ConfigurableApplicationContext node(LocalRedis redis) {
		return new SpringApplicationBuilder(ChatApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.cluster.mode=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.port())
			.run("--management.server.port=0");
	}

	private static String url(ConfigurableApplicationContext node) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/";
	}

}
