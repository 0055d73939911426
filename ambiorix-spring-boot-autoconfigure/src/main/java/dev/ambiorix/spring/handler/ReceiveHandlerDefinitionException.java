package dev.ambiorix.spring.handler;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A {@code @Receive} method that cannot work: startup fails with this message.
 */
public class ReceiveHandlerDefinitionException extends BeanInitializationException {

	private final String action;

	/**
	 * Create the exception.
	 * @param message what is wrong, naming the method or methods
	 * @param action what to do about it
	 */
	public ReceiveHandlerDefinitionException(String message, String action) {
		super(message);
		this.action = action;
	}

	/**
	 * Return what to do about it, for the startup failure report.
	 * @return the suggested action
	 */
	public String getAction() {
		return this.action;
	}

}
