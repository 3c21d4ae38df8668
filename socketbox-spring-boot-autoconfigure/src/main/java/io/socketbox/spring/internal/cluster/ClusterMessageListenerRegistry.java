package io.socketbox.spring.internal.cluster;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterMessageListener;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;

/**
 * Finds the {@link ClusterMessageListener} methods of the application's singleton beans
 * once they are all created, as {@link ClusterOperationRegistry} finds operations, and
 * keeps them by the type name of the messages they take. A method whose signature does
 * not fit fails the start with a message that names it. Several listeners may take the
 * same type; they are called in the order they were found.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class ClusterMessageListenerRegistry implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(ClusterMessageListenerRegistry.class);

	private volatile Map<String, List<Listener>> listeners = Map.of();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory,
				"ClusterMessageListenerRegistry needs a ConfigurableListableBeanFactory");
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		Assert.state(beanFactory != null, "No BeanFactory set");
		Map<String, List<Listener>> found = new LinkedHashMap<>();
		new AnnotatedBeanMethods<>(ClusterMessageListener.class).find(beanFactory,
				(beanName, bean, type, annotated) -> annotated.keySet()
					.stream()
					.sorted(ClusterMessageListenerRegistry::bySignature)
					.forEach((method) -> {
						Listener listener = listener(beanName, bean, method, type);
						found.computeIfAbsent(ClusterMessageCodec.typeName(listener.messageClass()),
								(key) -> new ArrayList<>())
							.add(listener);
					}));
		found.replaceAll((name, list) -> List.copyOf(list));
		this.listeners = Collections.unmodifiableMap(found);
		if (!found.isEmpty() && logger.isDebugEnabled()) {
			logger.debug("Cluster message listeners for " + found.keySet());
		}
	}

	/**
	 * The methods of one bean in a stable order: the order of reflection is not.
	 */
	private static int bySignature(Method first, Method second) {
		return first.toGenericString().compareTo(second.toGenericString());
	}

	private static Listener listener(String beanName, Object bean, Method method, Class<?> targetClass) {
		String description = "@ClusterMessageListener " + AnnotatedBeanMethods.describe(beanName, method);
		int count = method.getParameterCount();
		Assert.state(count == 1 || count == 2, () -> description
				+ " must take the message, optionally followed by a String for the sender's node id, but takes "
				+ count + " parameters");
		Assert.state(count == 1 || method.getParameterTypes()[1] == String.class,
				() -> description + " must take a String for the sender's node id as its second parameter, not a "
						+ method.getParameterTypes()[1].getName());
		Assert.state(method.getReturnType() == void.class,
				() -> description + " must return void: nothing is sent back to the publisher");
		ResolvableType parameter = ResolvableType.forMethodParameter(method, 0, targetClass);
		Class<?> messageClass = parameter.toClass();
		Assert.state(isConcrete(messageClass), () -> description + " takes a " + messageClass.getName()
				+ ", but a message class must be a concrete class or an array (messages are read only into a class "
				+ "that a listener declares; a primitive needs its wrapper class)");
		Method invocable = AnnotatedBeanMethods.invocableMethod(description, bean, method);
		Type messageType = parameter.getType();
		return new Listener(beanName, bean, invocable, method, messageClass, messageType, count == 2);
	}

	private static boolean isConcrete(Class<?> type) {
		if (type.isArray()) {
			return true;
		}
		return type != Object.class && !type.isPrimitive() && !type.isInterface()
				&& (!Modifier.isAbstract(type.getModifiers()) || type.isEnum());
	}

	/**
	 * Return the listeners for messages of the given type name.
	 * @param typeName the type name, as a peer sent it
	 * @return the listeners, empty when there are none
	 */
	public List<Listener> get(String typeName) {
		return this.listeners.getOrDefault(typeName, List.of());
	}

	/**
	 * Return the type names of the messages that listeners take.
	 * @return the type names
	 */
	public Set<String> getTypeNames() {
		return this.listeners.keySet();
	}

	/**
	 * A listener: the method to invoke, on the bean as the container exposes it.
	 *
	 * @param beanName the name of the bean
	 * @param bean the bean, a proxy when the bean is proxied
	 * @param method the method to invoke on {@code bean}
	 * @param declared the annotated method, on the target class
	 * @param messageClass the class of the messages it takes
	 * @param messageType the (generic) type to read its messages into
	 * @param withSender whether it takes the sender's node id as a second argument
	 */
	public record Listener(String beanName, Object bean, Method method, Method declared, Class<?> messageClass,
			Type messageType, boolean withSender) {

		/**
		 * Describe the listener for log messages.
		 * @return the method and bean
		 */
		public String description() {
			return AnnotatedBeanMethods.describe(this.beanName, this.declared);
		}

	}

}
