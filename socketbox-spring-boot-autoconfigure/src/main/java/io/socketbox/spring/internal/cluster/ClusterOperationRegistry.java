package io.socketbox.spring.internal.cluster;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterOperation;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedObject;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
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

	private final Set<Class<?>> classesWithoutOperations = ConcurrentHashMap.newKeySet();

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
		for (String beanName : beanFactory.getBeanNamesForType(Object.class)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> type = targetClass(beanFactory, beanName);
			if (type != null) {
				findOperations(beanFactory, beanName, type, found);
			}
		}
		this.handlers = Collections.unmodifiableMap(found);
		this.classesWithoutOperations.clear();
		if (!found.isEmpty() && logger.isDebugEnabled()) {
			logger.debug("Cluster operations: " + found.keySet());
		}
	}

	private static @Nullable Class<?> targetClass(ConfigurableListableBeanFactory beanFactory, String beanName) {
		try {
			Class<?> type = AutoProxyUtils.determineTargetClass(beanFactory, beanName);
			if (type != null && ScopedObject.class.isAssignableFrom(type)) {
				Class<?> target = AutoProxyUtils.determineTargetClass(beanFactory,
						ScopedProxyUtils.getTargetBeanName(beanName));
				return (target != null) ? target : type;
			}
			return type;
		}
		catch (Throwable ex) {
			// A type that cannot be resolved without creating the bean, as for a lazy one
			return null;
		}
	}

	private void findOperations(ConfigurableListableBeanFactory beanFactory, String beanName, Class<?> type,
			Map<String, Handler> found) {
		if (this.classesWithoutOperations.contains(type)
				|| !AnnotationUtils.isCandidateClass(type, ClusterOperation.class)) {
			return;
		}
		Map<Method, ClusterOperation> annotated = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<ClusterOperation>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, ClusterOperation.class));
		if (annotated.isEmpty()) {
			this.classesWithoutOperations.add(type);
			return;
		}
		Assert.state(beanFactory.isSingleton(beanName), () -> "@ClusterOperation methods must be on singleton beans, "
				+ "but bean '" + beanName + "' (" + type.getName() + ") is not a singleton");
		Object bean = beanFactory.getBean(beanName);
		annotated.forEach((method, annotation) -> {
			String name = annotation.value();
			Assert.state(StringUtils.hasText(name),
					() -> "@ClusterOperation on " + describe(beanName, method) + " needs a name");
			Method invocable = invocableMethod(beanName, bean, method);
			ReflectionUtils.makeAccessible(invocable);
			Handler previous = found.putIfAbsent(name, new Handler(name, beanName, bean, invocable, method));
			Assert.state(previous == null, () -> "Duplicate @ClusterOperation '" + name + "': "
					+ describe(previous.beanName(), previous.declared()) + " and " + describe(beanName, method)
					+ "; operation names must be unique in the application");
		});
	}

	private static Method invocableMethod(String beanName, Object bean, Method method) {
		try {
			return AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("@ClusterOperation " + describe(beanName, method)
					+ " cannot be called through the proxy of the bean: " + ex.getMessage(), ex);
		}
	}

	private static String describe(String beanName, Method method) {
		return ClassUtils.getQualifiedMethodName(method) + " of bean '" + beanName + "'";
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
