package io.socketbox.spring.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ConnectionOpenedEvent;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.internal.DirectoryUpdates;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.ClusterNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the {@link SocketBoxDirectory} bean of the auto-configuration.
 */
class DirectoryAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.connect-timeout=200ms")
		.withUserConfiguration(Application.class);

	@Test
	void singleNodeDirectoryIsTheLocalConnections() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SocketBoxDirectory.class).hasSingleBean(DirectoryUpdates.class);
			String nodeId = context.getBean(LocalNode.class).getId();
			context.getBean(DirectoryUpdates.class)
				.opened(new ClusterConnection(nodeId + ".1", nodeId, "ann", Map.of("room", "a")));
			SocketBoxDirectory directory = context.getBean(SocketBoxDirectory.class);
			assertThat(directory.isOnline("ann")).isTrue();
			assertThat(directory.getConnectionCounts()).containsExactly(Map.entry(nodeId, 1));
			assertThat(context.getBean(Application.class).opened).singleElement()
				.satisfies((event) -> assertThat(event.isLocal()).isTrue());
			context.getBean(DirectoryUpdates.class).closed(nodeId + ".1");
			assertThat(directory.getConnectionCount()).isZero();
		});
	}

	@Test
	void oversizedAttributesAreRefusedWithThePropertyToRaise() {
		this.contextRunner.withPropertyValues("socketbox.directory.max-attributes-size=8B").run((context) -> {
			String nodeId = context.getBean(LocalNode.class).getId();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(DirectoryUpdates.class)
					.opened(new ClusterConnection(nodeId + ".1", nodeId, null, Map.of("room", "lobby"))))
				.withMessageContaining("socketbox.directory.max-attributes-size");
		});
	}

	@Test
	void clusterDirectoryComesFromTheNode() {
		this.contextRunner
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.host=127.0.0.1",
					"socketbox.cluster.secret-key=0123456789abcdef0123456789abcdef", "socketbox.cache.type=memory",
					"socketbox.cluster.auto-startup=false")
			.run((context) -> assertThat(context).hasSingleBean(SocketBoxDirectory.class)
				.getBean(SocketBoxDirectory.class)
				.isSameAs(context.getBean(ClusterNode.class).getDirectory()));
	}

	@Test
	void attributesThatCannotFitAFrameFailAtStartup() {
		this.contextRunner
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.host=127.0.0.1",
					"socketbox.cluster.secret-key=0123456789abcdef0123456789abcdef", "socketbox.cache.type=memory",
					"socketbox.cluster.auto-startup=false", "socketbox.cluster.max-frame-size=64KB",
					"socketbox.directory.max-attributes-size=32KB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("at most a quarter of socketbox.cluster.max-frame-size"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Application {

		final List<ConnectionOpenedEvent> opened = new CopyOnWriteArrayList<>();

		@Bean
		SocketBoxHandler handler() {
			return new SocketBoxHandler() {
			};
		}

		@EventListener
		void on(ConnectionOpenedEvent event) {
			this.opened.add(event);
		}

	}

}
