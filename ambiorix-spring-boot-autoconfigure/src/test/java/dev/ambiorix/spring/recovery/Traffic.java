package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.ambiorix.spring.support.AmbiorixConnection;

/**
 * What a sender makes the server send: "news" with a running number {@code n}, in turn to
 * everyone, to a group, to one client id and to a user.
 */
final class Traffic {

	private Traffic() {
	}

	/**
	 * Send numbers {@code from} (inclusive) to {@code to} (exclusive), in turn to every
	 * kind of target, spread in ten batches over about the given time.
	 */
	static void send(AmbiorixConnection sender, int from, int to, String group, String clientId, String user,
			Duration over) {
		int batch = Math.max(1, (to - from) / 10);
		long pause = over.toMillis() / 10;
		for (int n = from; n < to; n++) {
			Map<String, Object> news = Map.of("n", n);
			switch (n % 4) {
				case 0 -> sender.send("toAll", news);
				case 1 -> sender.send("toGroup", Map.of("to", group, "message", news));
				case 2 -> sender.send("toClient", Map.of("to", clientId, "message", news));
				default -> sender.send("toUser", Map.of("to", user, "message", news));
			}
			if (pause > 0 && (n - from + 1) % batch == 0 && n + 1 < to) {
				pauseFor(pause);
			}
		}
	}

	static List<Integer> numbers(int from, int to) {
		return IntStream.range(from, to).boxed().toList();
	}

	// The gap in the connection is part of the scenario, not a wait for a condition.
	private static void pauseFor(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
