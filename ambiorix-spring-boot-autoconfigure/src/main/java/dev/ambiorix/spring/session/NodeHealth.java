package dev.ambiorix.spring.session;

import org.jspecify.annotations.Nullable;

/**
 * Something this node needs to serve its clients fully, such as the cluster relay, that
 * can be down. The health indicator reports DOWN, with the reason, while any bean of this
 * type returns one.
 */
@FunctionalInterface
public interface NodeHealth {

	/**
	 * Return why this part is down.
	 * @return the reason, or {@code null} while it works
	 */
	@Nullable String downReason();

}
