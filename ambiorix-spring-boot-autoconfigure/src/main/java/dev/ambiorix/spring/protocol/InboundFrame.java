package dev.ambiorix.spring.protocol;

/**
 * What a client's text frame turned out to be: an {@link Envelope} to route, a
 * {@link ProtocolError} to answer, or {@link NotForUs JSON that is not ours}.
 */
public sealed interface InboundFrame permits Envelope, ProtocolError, NotForUs {

}
