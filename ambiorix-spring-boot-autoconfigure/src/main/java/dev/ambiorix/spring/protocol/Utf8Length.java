package dev.ambiorix.spring.protocol;

/**
 * The size of text on the wire, in UTF-8 bytes, counted without encoding it.
 */
public final class Utf8Length {

	private Utf8Length() {
	}

	/**
	 * Return how many bytes a text takes in UTF-8; a surrogate pair counts four.
	 * @param text the text
	 * @return its UTF-8 length
	 */
	public static int of(String text) {
		int length = text.length();
		int bytes = length;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c >= 0x80) {
				// Two bytes up to U+07FF, three above; a surrogate pair is four in all.
				bytes += (c < 0x800 || Character.isSurrogate(c)) ? 1 : 2;
			}
		}
		return bytes;
	}

}
