package dev.ambiorix.spring.handler;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Map;
import java.util.function.Supplier;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.EnvelopeNames;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.socket.WebSocketSession;

/**
 * Finds {@code @Receive} methods on every bean once all singletons exist, in the manner
 * of Spring's {@code EventListenerMethodProcessor}, and registers them. A method that
 * cannot work fails startup with a message naming it.
 */
public final class ReceiveMethodProcessor implements SmartInitializingSingleton, BeanFactoryAware {

	private static final String KOTLIN_CONTINUATION = "kotlin.coroutines.Continuation";

	private final HandlerRegistry registry;

	private final PayloadConverter payloads;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	/**
	 * Create the processor.
	 * @param registry where handlers are registered
	 * @param payloads converts messages for payload parameters
	 */
	public ReceiveMethodProcessor(HandlerRegistry registry, PayloadConverter payloads) {
		this.registry = registry;
		this.payloads = payloads;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			throw new IllegalStateException("No bean factory");
		}
		for (String beanName : beanFactory.getBeanNamesForType(Object.class, true, false)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> targetType = AutoProxyUtils.determineTargetClass(beanFactory, beanName);
			if (targetType != null && AnnotationUtils.isCandidateClass(targetType, Receive.class)) {
				processBean(beanFactory, beanName, targetType);
			}
		}
	}

	private void processBean(ConfigurableListableBeanFactory beanFactory, String beanName, Class<?> targetType) {
		Map<Method, Receive> annotated = MethodIntrospector.selectMethods(targetType,
				(MethodIntrospector.MetadataLookup<Receive>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, Receive.class));
		if (annotated.isEmpty()) {
			return;
		}
		Class<?> beanType = beanFactory.getType(beanName);
		Supplier<Object> bean = beanFactory.isSingleton(beanName)
				? SingletonSupplier.of(() -> beanFactory.getBean(beanName)) : () -> beanFactory.getBean(beanName);
		annotated.forEach((method, receive) -> {
			String name = receive.value();
			String problem = EnvelopeNames.problem(name);
			if (problem != null) {
				throw new ReceiveHandlerDefinitionException(
						"@Receive(\"" + name + "\") on " + ReceiveHandler.describe(method) + " has an invalid name: "
								+ problem + ".",
						"Use a non-empty name of at most " + EnvelopeNames.MAX_LENGTH
								+ " characters that does not start with '" + EnvelopeNames.RESERVED_PREFIX + "'.");
			}
			String returnProblem = ReactorReplies.PRESENT ? ReactorReplies.problem(method.getReturnType()) : null;
			if (returnProblem != null) {
				throw new ReceiveHandlerDefinitionException(
						"@Receive(\"" + name + "\") on " + ReceiveHandler.describe(method) + " " + returnProblem + ".",
						"Return a Mono (a Flux's collectList() for a list), or send each element with "
								+ "WebSocketClient.send and return nothing.");
			}
			Method invocable = AopUtils.selectInvocableMethod(method, (beanType != null) ? beanType : targetType);
			ReflectionUtils.makeAccessible(invocable);
			this.registry.register(new ReceiveHandler(name, invocable, bean, resolvers(name, method, targetType)));
		});
	}

	private ArgumentResolver[] resolvers(String name, Method method, Class<?> targetType) {
		int count = method.getParameterCount();
		ArgumentResolver[] resolvers = new ArgumentResolver[count];
		int payloadIndex = -1;
		for (int i = 0; i < count; i++) {
			MethodParameter parameter = new MethodParameter(method, i).withContainingClass(targetType);
			ArgumentResolver resolver = contextResolver(parameter.getParameterType());
			if (resolver == null) {
				String problem = notAPayload(parameter.getParameterType());
				if (problem != null) {
					throw new ReceiveHandlerDefinitionException(
							"@Receive(\"" + name + "\") on " + ReceiveHandler.describe(method) + ": parameter "
									+ (i + 1) + " (" + parameter.getParameterType().getSimpleName()
									+ ") cannot be resolved: " + problem + ".",
							"Declare the parameter as one of WebSocketClient, WebSocketClients, Principal, "
									+ "WebSocketSession, or the message's own type.");
				}
				if (payloadIndex >= 0) {
					throw new ReceiveHandlerDefinitionException(
							"@Receive(\"" + name + "\") on " + ReceiveHandler.describe(method) + ": parameter "
									+ (i + 1) + " (" + parameter
										.getParameterType()
										.getSimpleName()
									+ ") cannot be resolved. Parameters are WebSocketClient, WebSocketClients, Principal, "
									+ "WebSocketSession and at most one message parameter, and parameter "
									+ (payloadIndex + 1) + " already receives the message.",
							"Receive one message parameter, a record or a Map if the message has several fields.");
				}
				payloadIndex = i;
				resolver = this.payloads.resolverFor(parameter);
			}
			resolvers[i] = resolver;
		}
		return resolvers;
	}

	/**
	 * Say why a parameter that no resolver takes cannot be the message either: it would
	 * silently receive the converted message and fail at run time.
	 * @param type the parameter type
	 * @return the problem, or {@code null} when it can be the message
	 */
	static @Nullable String notAPayload(Class<?> type) {
		if (WebSocketClient.class.isAssignableFrom(type)) {
			return "the sender is resolved as WebSocketClient only, not as " + type.getSimpleName();
		}
		if (WebSocketClients.class.isAssignableFrom(type)) {
			return "the clients are resolved as WebSocketClients only, not as " + type.getSimpleName();
		}
		if (WebSocketSession.class.isAssignableFrom(type)) {
			return "the session is resolved as WebSocketSession only, not as " + type.getSimpleName();
		}
		if (KOTLIN_CONTINUATION.equals(type.getName())) {
			return "suspend functions are not supported; return a CompletionStage (or a Reactor Mono) instead";
		}
		if (InvocationContext.class.isAssignableFrom(type) || Envelope.class.isAssignableFrom(type)) {
			return type.getSimpleName() + " is internal to Ambiorix";
		}
		return null;
	}

	static @Nullable ArgumentResolver contextResolver(Class<?> type) {
		if (type == WebSocketClient.class) {
			return InvocationContext::client;
		}
		if (type == WebSocketClients.class) {
			return InvocationContext::clients;
		}
		if (type == WebSocketSession.class) {
			return (context) -> context.client().session();
		}
		if (Principal.class.isAssignableFrom(type)) {
			return (context) -> {
				Principal principal = context.client().principal();
				return type.isInstance(principal) ? principal : null;
			};
		}
		return null;
	}

}
