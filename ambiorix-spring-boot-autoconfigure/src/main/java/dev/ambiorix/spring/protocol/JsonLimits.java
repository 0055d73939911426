package dev.ambiorix.spring.protocol;

import org.springframework.util.Assert;

/**
 * Bounds on what the parser accepts, so that a hostile frame costs milliseconds.
 *
 * @param maxNestingDepth the deepest nesting of arrays and objects
 * @param maxStringLength the longest string value, in characters
 * @param maxNumberLength the longest number, in characters
 * @param maxNameLength the longest object key, in characters
 */
public record JsonLimits(int maxNestingDepth, int maxStringLength, int maxNumberLength, int maxNameLength) {

	/**
	 * The defaults: depth 64, strings of 64 KiB, numbers of 1,000 digits, keys of 1,024.
	 */
	public static final JsonLimits DEFAULTS = new JsonLimits(64, 65536, 1000, 1024);

	public JsonLimits {
		Assert.isTrue(maxNestingDepth > 0, "maxNestingDepth must be positive");
		Assert.isTrue(maxStringLength > 0, "maxStringLength must be positive");
		Assert.isTrue(maxNumberLength > 0, "maxNumberLength must be positive");
		Assert.isTrue(maxNameLength > 0, "maxNameLength must be positive");
	}

}
