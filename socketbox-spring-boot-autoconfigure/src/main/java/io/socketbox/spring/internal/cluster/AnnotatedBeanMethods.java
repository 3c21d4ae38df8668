package io.socketbox.spring.internal.cluster;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedObject;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the methods of the application's singleton beans that carry an annotation, the
 * way Spring finds {@code @EventListener} methods: on the target class of proxies and
 * scoped beans, skipping beans whose type cannot be told without creating them.
 *
 * @param <A> the annotation
 */
final class AnnotatedBeanMethods<A extends Annotation> {

	private final Class<A> annotationType;

	AnnotatedBeanMethods(Class<A> annotationType) {
		this.annotationType = annotationType;
	}

	/**
	 * Hand every bean with annotated methods, and those methods, to the callback.
	 * @param beanFactory the bean factory, once its singletons are instantiated
	 * @param callback takes the bean and its annotated methods
	 * @throws IllegalStateException if an annotated method is on a bean that is not a
	 * singleton
	 */
	void find(ConfigurableListableBeanFactory beanFactory, Callback<A> callback) {
		Set<Class<?>> classesWithout = new HashSet<>();
		for (String beanName : beanFactory.getBeanNamesForType(Object.class)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> type = targetClass(beanFactory, beanName);
			if (type == null || classesWithout.contains(type)
					|| !AnnotationUtils.isCandidateClass(type, this.annotationType)) {
				continue;
			}
			Map<Method, A> annotated = MethodIntrospector.selectMethods(type,
					(MethodIntrospector.MetadataLookup<A>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, this.annotationType));
			if (annotated.isEmpty()) {
				classesWithout.add(type);
				continue;
			}
			Assert.state(beanFactory.isSingleton(beanName),
					() -> "@" + this.annotationType.getSimpleName() + " methods must be on singleton beans, but bean '"
							+ beanName + "' (" + type.getName() + ") is not a singleton");
			callback.found(beanName, beanFactory.getBean(beanName), type, annotated);
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

	/**
	 * Return the method to invoke on the bean as the container exposes it (a proxy when
	 * the bean is proxied), made accessible.
	 * @param description the annotated method, for the message of a failure
	 * @param bean the bean
	 * @param method the annotated method, on the target class
	 * @return the method to invoke
	 */
	static Method invocableMethod(String description, Object bean, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(
					description + " cannot be called through the proxy of the bean: " + ex.getMessage(), ex);
		}
		ReflectionUtils.makeAccessible(invocable);
		return invocable;
	}

	/**
	 * Describe a method of a bean for messages.
	 */
	static String describe(String beanName, Method method) {
		return ClassUtils.getQualifiedMethodName(method) + " of bean '" + beanName + "'";
	}

	/**
	 * Takes a bean with annotated methods.
	 *
	 * @param <A> the annotation
	 */
	@FunctionalInterface
	interface Callback<A> {

		void found(String beanName, Object bean, Class<?> type, Map<Method, A> annotated);

	}

}
