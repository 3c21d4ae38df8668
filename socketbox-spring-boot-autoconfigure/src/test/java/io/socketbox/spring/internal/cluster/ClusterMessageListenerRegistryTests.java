package io.socketbox.spring.internal.cluster;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterMessageListener;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterMessageListenerRegistry}.
 */
class ClusterMessageListenerRegistryTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withBean(ClusterMessageListenerRegistry.class);

	@Test
	void findsTheListenersOfEveryBeanByTheNameOfTheirMessageClass() {
		this.contextRunner.withBean("caches", CacheListener.class).run((context) -> {
			ClusterMessageListenerRegistry registry = context.getBean(ClusterMessageListenerRegistry.class);
			assertThat(registry.getTypeNames()).containsExactlyInAnyOrder(Invalidate.class.getName(),
					String.class.getName(), Color.class.getName(), int[].class.getName());
			List<ClusterMessageListenerRegistry.Listener> listeners = registry.get(Invalidate.class.getName());
			assertThat(listeners).singleElement().satisfies((listener) -> {
				assertThat(listener.beanName()).isEqualTo("caches");
				assertThat(listener.bean()).isSameAs(context.getBean("caches"));
				assertThat(listener.messageClass()).isEqualTo(Invalidate.class);
				assertThat(listener.withSender()).isTrue();
			});
			assertThat(registry.get(String.class.getName())).singleElement()
				.satisfies((listener) -> assertThat(listener.withSender()).isFalse());
			assertThat(registry.get("no.such.Type")).isEmpty();
			assertThat(registry.get(Object.class.getName())).isEmpty();
		});
	}

	@Test
	void severalListenersMayTakeTheSameClass() {
		this.contextRunner.withBean("caches", CacheListener.class)
			.withBean("audit", AuditListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ClusterMessageListenerRegistry.class).get(Invalidate.class.getName()))
					.extracting(ClusterMessageListenerRegistry.Listener::beanName)
					.containsExactly("caches", "audit");
			});
	}

	@Test
	void aListenerWithoutParametersFailsTheStart() {
		assertFailsWith(NoParameter.class, "must take the message", "takes 0 parameters");
	}

	@Test
	void aListenerWithThreeParametersFailsTheStart() {
		assertFailsWith(ThreeParameters.class, "must take the message", "takes 3 parameters");
	}

	@Test
	void aSecondParameterThatIsNotAStringFailsTheStart() {
		assertFailsWith(SenderNotString.class, "must take a String for the sender's node id",
				"not a java.lang.Integer");
	}

	@Test
	void aListenerThatReturnsAValueFailsTheStart() {
		assertFailsWith(ReturnsValue.class, "must return void");
	}

	@Test
	void anInterfaceAnAbstractClassObjectOrAPrimitiveFailsTheStart() {
		assertFailsWith(TakesInterface.class, "takes a java.lang.Runnable", "concrete class");
		assertFailsWith(TakesAbstractClass.class, "takes a java.lang.Number", "concrete class");
		assertFailsWith(TakesObject.class, "takes a java.lang.Object", "concrete class");
		assertFailsWith(TakesPrimitive.class, "takes a int", "wrapper class");
	}

	@Test
	void aListenerOnAPrototypeFailsTheStart() {
		this.contextRunner.withUserConfiguration(PrototypeConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("must be on singleton beans")
				.hasMessageContaining("'prototypeListener'");
		});
	}

	private void assertFailsWith(Class<?> beanClass, String... fragments) {
		this.contextRunner.withBean("bad", beanClass).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("@ClusterMessageListener " + beanClass.getName())
				.hasMessageContaining("of bean 'bad'");
			for (String fragment : fragments) {
				assertThat(context.getStartupFailure()).hasMessageContaining(fragment);
			}
		});
	}

	record Invalidate(String cache) {

	}

	enum Color {

		RED, GREEN

	}

	static class CacheListener {

		@ClusterMessageListener
		void onInvalidate(Invalidate message, String sender) {
		}

		@ClusterMessageListener
		void onText(String text) {
		}

		@ClusterMessageListener
		void onColor(Color color) {
		}

		@ClusterMessageListener
		void onNumbers(int[] numbers) {
		}

		void notAListener(Object message) {
		}

	}

	static class AuditListener {

		@ClusterMessageListener
		void audit(Invalidate message) {
		}

	}

	static class NoParameter {

		@ClusterMessageListener
		void listen() {
		}

	}

	static class ThreeParameters {

		@ClusterMessageListener
		void listen(Invalidate message, String sender, String more) {
		}

	}

	static class SenderNotString {

		@ClusterMessageListener
		void listen(Invalidate message, Integer sender) {
		}

	}

	static class ReturnsValue {

		@ClusterMessageListener
		String listen(Invalidate message) {
			return "ignored";
		}

	}

	static class TakesInterface {

		@ClusterMessageListener
		void listen(Runnable message) {
		}

	}

	static class TakesAbstractClass {

		@ClusterMessageListener
		void listen(Number message) {
		}

	}

	static class TakesObject {

		@ClusterMessageListener
		void listen(Object message) {
		}

	}

	static class TakesPrimitive {

		@ClusterMessageListener
		void listen(int message) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		AuditListener prototypeListener() {
			return new AuditListener();
		}

	}

}
