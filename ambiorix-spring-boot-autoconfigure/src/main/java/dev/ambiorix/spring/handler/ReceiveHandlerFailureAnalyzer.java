package dev.ambiorix.spring.handler;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a broken {@code @Receive} method as a short "APPLICATION FAILED TO START"
 * description and action instead of a stack trace.
 */
class ReceiveHandlerFailureAnalyzer extends AbstractFailureAnalyzer<ReceiveHandlerDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReceiveHandlerDefinitionException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
