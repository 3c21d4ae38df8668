package io.socketbox.spring.internal.cluster;

import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterOperation;

import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterOperationRegistry}.
 */
class ClusterOperationRegistryTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withBean(ClusterOperationRegistry.class);

	@Test
	void findsTheOperationsOfEveryBean() {
		this.contextRunner.withBean("greeter", Greeter.class).withBean("counter", Counter.class).run((context) -> {
			ClusterOperationRegistry registry = context.getBean(ClusterOperationRegistry.class);
			assertThat(registry.getNames()).containsExactlyInAnyOrder("greet", "count", "reset");
			ClusterOperationRegistry.Handler greet = registry.get("greet");
			assertThat(greet).isNotNull();
			assertThat(greet.beanName()).isEqualTo("greeter");
			assertThat(greet.bean()).isSameAs(context.getBean("greeter"));
			assertThat(registry.get("nothing")).isNull();
		});
	}

	@Test
	void aDuplicateNameFailsTheStartNamingBothMethods() {
		this.contextRunner.withBean("greeter", Greeter.class)
			.withBean("otherGreeter", OtherGreeter.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("Duplicate @ClusterOperation 'greet'")
					.hasMessageContaining(Greeter.class.getName() + ".greet of bean 'greeter'")
					.hasMessageContaining(OtherGreeter.class.getName() + ".hello of bean 'otherGreeter'");
			});
	}

	@Test
	void aBlankNameFailsTheStart() {
		this.contextRunner.withBean("blank", Blank.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("@ClusterOperation on " + Blank.class.getName() + ".blank of bean 'blank'")
				.hasMessageContaining("needs a name");
		});
	}

	@Test
	void anOperationOnAPrototypeFailsTheStart() {
		this.contextRunner.withUserConfiguration(PrototypeConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("must be on singleton beans")
				.hasMessageContaining("'prototypeGreeter'");
		});
	}

	@Test
	void invokesAClassProxyThroughTheProxy() {
		this.contextRunner.withUserConfiguration(ClassProxyConfiguration.class)
			.withBean("greeter", Greeter.class)
			.run((context) -> {
				ClusterOperationRegistry.Handler greet = context.getBean(ClusterOperationRegistry.class).get("greet");
				assertThat(greet).isNotNull();
				assertThat(AopUtils.isCglibProxy(greet.bean())).isTrue();
				assertThat(greet.method().invoke(greet.bean(), "Ada")).isEqualTo("Hello, Ada");
				assertThat(context.getBean(AtomicInteger.class)).hasValue(1);
			});
	}

	@Test
	void invokesAnInterfaceProxyThroughTheProxy() {
		this.contextRunner.withUserConfiguration(InterfaceProxyConfiguration.class)
			.withBean("greeter", InterfaceGreeter.class)
			.run((context) -> {
				ClusterOperationRegistry.Handler greet = context.getBean(ClusterOperationRegistry.class).get("greet");
				assertThat(greet).isNotNull();
				assertThat(AopUtils.isJdkDynamicProxy(greet.bean())).isTrue();
				assertThat(greet.method().getDeclaringClass()).isEqualTo(Greeting.class);
				assertThat(greet.declared().getDeclaringClass()).isEqualTo(InterfaceGreeter.class);
				assertThat(greet.method().invoke(greet.bean(), "Ada")).isEqualTo("Hi, Ada");
				assertThat(context.getBean(AtomicInteger.class)).hasValue(1);
			});
	}

	@Test
	void anOperationThatAnInterfaceProxyHidesFailsTheStart() {
		this.contextRunner.withUserConfiguration(InterfaceProxyConfiguration.class)
			.withBean("greeter", HiddenOperationGreeter.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("@ClusterOperation " + HiddenOperationGreeter.class.getName()
							+ ".hidden of bean 'greeter' cannot be called through the proxy")
					.hasMessageContaining("not found in any interface(s) of the exposed proxy type");
			});
	}

	static class Greeter {

		@ClusterOperation("greet")
		String greet(String name) {
			return "Hello, " + name;
		}

		String notAnOperation() {
			return "no";
		}

	}

	static class OtherGreeter {

		@ClusterOperation("greet")
		String hello(String name) {
			return "Hello, " + name;
		}

	}

	static class Counter {

		private final AtomicInteger count = new AtomicInteger();

		@ClusterOperation("count")
		public int count() {
			return this.count.incrementAndGet();
		}

		@ClusterOperation("reset")
		public void reset() {
			this.count.set(0);
		}

	}

	static class Blank {

		@ClusterOperation(" ")
		void blank() {
		}

	}

	interface Greeting {

		String greet(String name);

	}

	static class InterfaceGreeter implements Greeting {

		@Override
		@ClusterOperation("greet")
		public String greet(String name) {
			return "Hi, " + name;
		}

	}

	static class HiddenOperationGreeter implements Greeting {

		@Override
		public String greet(String name) {
			return "Hi, " + name;
		}

		@ClusterOperation("hidden")
		public String hidden() {
			return "hidden";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		Greeter prototypeGreeter() {
			return new Greeter();
		}

	}

	/**
	 * Proxies the bean named 'greeter' the way Spring's transactions and security do,
	 * counting the calls that go through the proxy.
	 */
	abstract static class ProxyConfiguration {

		@Bean
		AtomicInteger proxiedCalls() {
			return new AtomicInteger();
		}

		@Bean
		MethodInterceptor countingInterceptor(AtomicInteger proxiedCalls) {
			return (invocation) -> {
				proxiedCalls.incrementAndGet();
				return invocation.proceed();
			};
		}

		static BeanNameAutoProxyCreator greeterProxyCreator(boolean proxyTargetClass) {
			BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
			creator.setBeanNames("greeter");
			creator.setInterceptorNames("countingInterceptor");
			creator.setProxyTargetClass(proxyTargetClass);
			return creator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClassProxyConfiguration extends ProxyConfiguration {

		@Bean
		static BeanNameAutoProxyCreator classProxyCreator() {
			return greeterProxyCreator(true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceProxyConfiguration extends ProxyConfiguration {

		@Bean
		static BeanNameAutoProxyCreator interfaceProxyCreator() {
			return greeterProxyCreator(false);
		}

	}

}
