package io.socketbox.spring.autoconfigure;

import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.internal.SocketBoxWebSocketHandler;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.stomp.ClusterSimpUserRegistry;
import io.socketbox.spring.internal.stomp.ClusterStompBroker;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.user.DefaultUserDestinationResolver;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.messaging.DefaultSimpUserRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SocketBoxStompAutoConfiguration}: an application with Spring's simple
 * broker and no SocketBox handler of its own runs clustered with the cluster properties
 * alone.
 */
class SocketBoxStompAutoConfigurationTests {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class,
				SocketBoxStompAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("socketbox.cluster.secret-key=" + SECRET, "socketbox.cluster.host=127.0.0.1",
				"socketbox.cache.type=memory", "socketbox.cluster.auto-startup=false");

	@Test
	void simpleBrokerWithoutAHandlerIsClusteredInClusterMode() {
		this.contextRunner.withUserConfiguration(SimpleBrokerApplication.class)
			.withPropertyValues("socketbox.cluster.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ClusterNode.class)
					.doesNotHaveBean(SocketBoxWebSocketHandler.class);
				assertThat(ClusterStompBroker.of(context.getBean(SimpleBrokerMessageHandler.class))).isNotNull();
				// Other nodes must be able to dial this one
				assertThat(context.getBeansOfType(AbstractUrlHandlerMapping.class)
					.values()
					.stream()
					.flatMap((mapping) -> mapping.getHandlerMap().keySet().stream())).contains("/socketbox/cluster");
			});
	}

	@Test
	void simpleBrokerIsLeftAloneWhenStompIsDisabled() {
		this.contextRunner.withUserConfiguration(SimpleBrokerApplication.class)
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.stomp.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ClusterNode.class);
				assertThat(ClusterStompBroker.of(context.getBean(SimpleBrokerMessageHandler.class))).isNull();
			});
	}

	@Test
	void simpleBrokerIsLeftAloneOnASingleNode() {
		this.contextRunner.withUserConfiguration(SimpleBrokerApplication.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ClusterNode.class);
			assertThat(ClusterStompBroker.of(context.getBean(SimpleBrokerMessageHandler.class))).isNull();
		});
	}

	@Test
	void withoutSpringMessagingNothingIsClustered() {
		this.contextRunner.withUserConfiguration(SocketBoxAutoConfigurationTests.HandlerConfiguration.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.messaging"))
			.withPropertyValues("socketbox.cluster.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ClusterNode.class)
				.doesNotHaveBean(StompClusterInstaller.class));
	}

	@Test
	void userRegistryAnswersForTheClusterInClusterMode() {
		this.contextRunner.withUserConfiguration(SimpleBrokerApplication.class)
			.withPropertyValues("socketbox.cluster.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SimpUserRegistry.class)).isInstanceOf(ClusterSimpUserRegistry.class);
				assertThat(((ClusterSimpUserRegistry) context.getBean(SimpUserRegistry.class)).getLocalRegistry())
					.isInstanceOf(DefaultSimpUserRegistry.class);
				// The resolver reads the cluster-wide registry
				assertThat(context.getBean(DefaultUserDestinationResolver.class).getSimpUserRegistry())
					.isSameAs(context.getBean(SimpUserRegistry.class));
			});
	}

	@Test
	void userRegistryIsLeftAloneWhenStompIsDisabledOrOnASingleNode() {
		this.contextRunner.withUserConfiguration(SimpleBrokerApplication.class)
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.stomp.enabled=false")
			.run((context) -> assertThat(context.getBean(SimpUserRegistry.class))
				.isInstanceOf(DefaultSimpUserRegistry.class));
		this.contextRunner.withUserConfiguration(SimpleBrokerApplication.class)
			.run((context) -> assertThat(context.getBean(SimpUserRegistry.class))
				.isInstanceOf(DefaultSimpUserRegistry.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class SimpleBrokerApplication implements WebSocketMessageBrokerConfigurer {

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/stomp");
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.enableSimpleBroker("/topic", "/queue");
		}

	}

}
