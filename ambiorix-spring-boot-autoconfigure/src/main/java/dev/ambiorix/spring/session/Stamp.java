package dev.ambiorix.spring.session;

/**
 * A frame numbered for recovery: the node that sent it, its sequence number on that node,
 * and the frame as clients that asked for recovery get it, with its {@code "offset"}.
 *
 * @param origin the id of the node that numbered the frame
 * @param sequence the frame's number on that node, from 1
 * @param frame the frame text with {@code ,"offset":"<origin>:<sequence>"} before its
 * final brace, written once for every client that gets it
 */
public record Stamp(String origin, long sequence, String frame) {

	/**
	 * Number a frame.
	 * @param plain the frame as protocol version 1 writes it
	 * @param origin the node id
	 * @param sequence the number on that node
	 * @return the stamp
	 */
	public static Stamp of(String plain, String origin, long sequence) {
		String offset = origin + ":" + sequence;
		StringBuilder frame = new StringBuilder(plain.length() + offset.length() + 12);
		frame.append(plain, 0, plain.lastIndexOf('}')).append(",\"offset\":\"").append(offset).append("\"}");
		return new Stamp(origin, sequence, frame.toString());
	}

	/**
	 * Return the offset as clients see it.
	 * @return {@code <origin>:<sequence>}
	 */
	public String offset() {
		return this.origin + ":" + this.sequence;
	}

}
