package io.socketbox.spring.autoconfigure;

import java.util.UUID;

import io.socketbox.spring.testsupport.TestNodeApplication;
import jakarta.websocket.server.ServerContainer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.context.servlet.AnnotationConfigServletWebApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link WebSocketContainerAutoConfiguration}: the settings it derives from
 * {@code socketbox.*}, when it backs off, and what it sets on a running Tomcat. Both
 * containers run in the sample's {@code ContainersIT}, Jetty from {@code sample-app-jetty.jar}.
 */
class WebSocketContainerAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebSocketContainerAutoConfiguration.class));

	@Test
	void defaultIsOneKilobyteBuffers() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(WebSocketContainerSettings.class);
			assertThat(context.getBean(WebSocketContainerSettings.class).messageBufferSize()).isEqualTo(1024);
		});
	}

	@Test
	void bufferSizeFollowsTheProperty() {
		this.contextRunner.withPropertyValues("socketbox.container.message-buffer-size=4KB")
			.run((context) -> assertThat(context.getBean(WebSocketContainerSettings.class).messageBufferSize())
				.isEqualTo(4096));
	}

	@Test
	void mockServletEnvironmentWithoutWebSocketContainerStarts() {
		// @SpringBootTest's default MOCK environment has no ServerContainer attribute
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(WebSocketContainerSettings.class));
	}

	@Test
	void backsOffWhenTheApplicationConfiguresTheContainer() {
		ServerContainer container = mock(ServerContainer.class);
		new WebApplicationContextRunner(() -> {
			AnnotationConfigServletWebApplicationContext context = new AnnotationConfigServletWebApplicationContext();
			MockServletContext servletContext = new MockServletContext();
			servletContext.setAttribute(ServerContainer.class.getName(), container);
			context.setServletContext(servletContext);
			return context;
		}).withConfiguration(AutoConfigurations.of(WebSocketContainerAutoConfiguration.class))
			.withBean(ServletServerContainerFactoryBean.class, () -> {
				ServletServerContainerFactoryBean factory = new ServletServerContainerFactoryBean();
				factory.setMaxTextMessageBufferSize(2048);
				return factory;
			})
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketContainerSettings.class);
				verify(container).setDefaultMaxTextMessageBufferSize(2048);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnSettings() {
		WebSocketContainerSettings own = new WebSocketContainerSettings(8192);
		this.contextRunner.withBean(WebSocketContainerSettings.class, () -> own)
			.run((context) -> assertThat(context).getBean(WebSocketContainerSettings.class).isSameAs(own));
	}

	@Test
	void notInANonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WebSocketContainerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WebSocketContainerSettings.class));
	}

	@Test
	void containersOtherThanTomcatAreLeftAlone() {
		ServerContainer container = mock(ServerContainer.class);
		new WebSocketContainerSettings(1024).apply(container);
		verifyNoInteractions(container);
	}

	@Test
	void tomcatSessionsGetSmallMessageBuffers() {
		try (ConfigurableApplicationContext node = runTomcatNode()) {
			ServerContainer container = serverContainer(node);
			assertThat(container.getClass().getName()).startsWith("org.apache.tomcat.");
			assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(1024);
			assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1024);
		}
	}

	@Test
	void tomcatKeepsWhatTheApplicationSets() {
		try (ConfigurableApplicationContext node = runTomcatNode("socketbox.container.message-buffer-size=3KB")) {
			ServerContainer container = serverContainer(node);
			assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(3072);
			assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(3072);
		}
	}

	private static ServerContainer serverContainer(ConfigurableApplicationContext node) {
		Object container = ((WebApplicationContext) node).getServletContext()
			.getAttribute(ServerContainer.class.getName());
		assertThat(container).isInstanceOf(ServerContainer.class);
		return (ServerContainer) container;
	}

	private static ConfigurableApplicationContext runTomcatNode(String... properties) {
		return new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cache.type=memory",
					"socketbox.cluster.cache-prefix=container-tests:" + UUID.randomUUID() + ":")
			.properties(properties)
			.run();
	}

}
