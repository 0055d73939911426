package dev.ambiorix.spring.handler;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A {@code @Receive} method that cannot work: startup fails with this message.
 */
public class ReceiveHandlerDefinitionException extends BeanInitializationException {

	/**
	 * Create the exception.
	 * @param message what is wrong, naming the method or methods
	 */
	public ReceiveHandlerDefinitionException(String message) {
		super(message);
	}

}
