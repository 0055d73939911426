package dev.ambiorix.client;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened (servers, proxies, clients), the last opened first, after
 * each test.
 */
final class CloseAfterEach implements AfterEachCallback {

	private final Deque<AutoCloseable> open = new ArrayDeque<>();

	<T extends AutoCloseable> T closeLater(T closeable) {
		this.open.push(closeable);
		return closeable;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		while (!this.open.isEmpty()) {
			this.open.pop().close();
		}
	}

}
