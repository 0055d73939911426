package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.InvalidMessageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * One {@code @Receive} method, ready to invoke through its bean (and so through any
 * proxy, keeping {@code @Transactional} and friends).
 */
public final class ReceiveHandler {

	private final String name;

	private final Method method;

	private final Supplier<Object> bean;

	private final ArgumentResolver[] resolvers;

	ReceiveHandler(String name, Method method, Supplier<Object> bean, ArgumentResolver[] resolvers) {
		this.name = name;
		this.method = method;
		this.bean = bean;
		this.resolvers = resolvers;
	}

	/**
	 * Return the envelope name handled.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Resolve the arguments and invoke the method.
	 * @param context the invocation
	 * @return the method's return value
	 * @throws InvalidMessageException when the message does not convert or validate
	 * @throws Throwable what the method threw
	 */
	public @Nullable Object invoke(InvocationContext context) throws Throwable {
		@Nullable Object[] args = new @Nullable Object[this.resolvers.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.resolvers[i].resolve(context);
		}
		try {
			return this.method.invoke(this.bean.get(), args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * Return the type the envelope's message is converted to, e.g.
	 * {@code java.util.List<com.example.Chat>}.
	 * @return the type's name, or {@code null} when the method takes no message
	 */
	public @Nullable String payloadType() {
		Class<?>[] types = this.method.getParameterTypes();
		Type[] genericTypes = this.method.getGenericParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (ReceiveMethodProcessor.contextResolver(types[i]) == null) {
				return genericTypes[i].getTypeName();
			}
		}
		return null;
	}

	/**
	 * Describe the method for messages, e.g. {@code ChatHandler#chat(String)}.
	 * @return the description
	 */
	public String description() {
		return describe(this.method);
	}

	static String describe(Method method) {
		StringBuilder text = new StringBuilder(ClassUtils.getQualifiedName(method.getDeclaringClass())).append('#')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			text.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return text.append(')').toString();
	}

	@Override
	public String toString() {
		return "@Receive(\"" + this.name + "\") " + description();
	}

}
