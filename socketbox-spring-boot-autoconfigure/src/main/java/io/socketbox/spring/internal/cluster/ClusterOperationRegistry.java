package io.socketbox.spring.internal.cluster;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterOperation;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Finds the {@link ClusterOperation} methods of the application's singleton beans once
 * they are all created, the way Spring finds {@code @EventListener} methods, and keeps
 * them by name. A blank or duplicate name fails the start.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class ClusterOperationRegistry implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(ClusterOperationRegistry.class);

	private volatile Map<String, Handler> handlers = Map.of();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory,
				"ClusterOperationRegistry needs a ConfigurableListableBeanFactory");
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		Assert.state(beanFactory != null, "No BeanFactory set");
		Map<String, Handler> found = new LinkedHashMap<>();
		new AnnotatedBeanMethods<>(ClusterOperation.class).find(beanFactory,
				(beanName, bean, type, annotated) -> annotated.forEach((method, annotation) -> {
					String name = annotation.value();
					Assert.state(StringUtils.hasText(name), () -> "@ClusterOperation on "
							+ AnnotatedBeanMethods.describe(beanName, method) + " needs a name");
					Method invocable = AnnotatedBeanMethods.invocableMethod(
							"@ClusterOperation " + AnnotatedBeanMethods.describe(beanName, method), bean, method);
					Handler previous = found.putIfAbsent(name, new Handler(name, beanName, bean, invocable, method));
					Assert.state(previous == null,
							() -> "Duplicate @ClusterOperation '" + name + "': "
									+ AnnotatedBeanMethods.describe(previous.beanName(), previous.declared()) + " and "
									+ AnnotatedBeanMethods.describe(beanName, method)
									+ "; operation names must be unique in the application");
				}));
		this.handlers = Collections.unmodifiableMap(found);
		if (!found.isEmpty() && logger.isDebugEnabled()) {
			logger.debug("Cluster operations: " + found.keySet());
		}
	}

	/**
	 * Return the operation of the given name.
	 * @param name the name
	 * @return the operation, or {@code null} when there is none of that name
	 */
	public @Nullable Handler get(String name) {
		return this.handlers.get(name);
	}

	/**
	 * Return the names of all operations.
	 * @return the names
	 */
	public Set<String> getNames() {
		return this.handlers.keySet();
	}

	/**
	 * An operation: the method to invoke, on the bean as the container exposes it.
	 *
	 * @param name the operation name
	 * @param beanName the name of the bean
	 * @param bean the bean, a proxy when the bean is proxied
	 * @param method the method to invoke on {@code bean}
	 * @param declared the annotated method, on the target class
	 */
	public record Handler(String name, String beanName, Object bean, Method method, Method declared) {

	}

}
