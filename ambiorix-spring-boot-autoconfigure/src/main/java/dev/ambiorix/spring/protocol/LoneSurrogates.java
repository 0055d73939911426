package dev.ambiorix.spring.protocol;

/**
 * Escapes UTF-16 surrogates that are not part of a pair.
 * <p>
 * {@code "\ud800"} is legal JSON, so a lone surrogate can arrive in a message and be
 * echoed or broadcast. Written raw, it is a character that UTF-8 cannot encode: the
 * container's encoder fails, and on some containers every later send on that session
 * fails too. Escaped as JSON text ({@code \ud800}) it stays the same JSON value and is
 * plain ASCII on the wire.
 */
final class LoneSurrogates {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private LoneSurrogates() {
	}

	/**
	 * Return the JSON text with each lone surrogate replaced by its {@code \\uXXXX}
	 * escape. Correct for JSON written by Jackson, where a raw surrogate can only stand
	 * inside a string literal.
	 * @param json JSON text
	 * @return the same text when it has no lone surrogate, else an escaped copy
	 */
	static String escape(String json) {
		int first = firstLone(json, 0);
		if (first < 0) {
			return json;
		}
		StringBuilder out = new StringBuilder(json.length() + 12);
		int copied = 0;
		for (int lone = first; lone >= 0; lone = firstLone(json, lone + 1)) {
			out.append(json, copied, lone);
			char c = json.charAt(lone);
			out.append("\\u")
				.append(HEX[(c >> 12) & 0xF])
				.append(HEX[(c >> 8) & 0xF])
				.append(HEX[(c >> 4) & 0xF])
				.append(HEX[c & 0xF]);
			copied = lone + 1;
		}
		out.append(json, copied, json.length());
		return out.toString();
	}

	private static int firstLone(String s, int from) {
		int length = s.length();
		for (int i = from; i < length; i++) {
			char c = s.charAt(i);
			if (!Character.isSurrogate(c)) {
				continue;
			}
			if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
				i++;
				continue;
			}
			return i;
		}
		return -1;
	}

}
