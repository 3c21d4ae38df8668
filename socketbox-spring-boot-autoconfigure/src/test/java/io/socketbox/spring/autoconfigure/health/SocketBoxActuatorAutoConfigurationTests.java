package io.socketbox.spring.autoconfigure.health;

import java.nio.file.Path;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.actuate.SocketBoxEndpoint;
import io.socketbox.spring.autoconfigure.SocketBoxAutoConfiguration;
import io.socketbox.spring.autoconfigure.endpoint.SocketBoxEndpointAutoConfiguration;
import io.socketbox.spring.autoconfigure.metrics.SocketBoxMetricsAutoConfiguration;
import io.socketbox.spring.health.SocketBoxHealthIndicator;
import io.socketbox.spring.metrics.SocketBoxMeterBinder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SocketBoxHealthContributorAutoConfiguration},
 * {@link SocketBoxEndpointAutoConfiguration} and {@link SocketBoxMetricsAutoConfiguration}.
 */
class SocketBoxActuatorAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class, JacksonAutoConfiguration.class,
				SocketBoxHealthContributorAutoConfiguration.class, SocketBoxEndpointAutoConfiguration.class,
				SocketBoxMetricsAutoConfiguration.class))
		.withUserConfiguration(HandlerConfiguration.class);

	@TempDir
	Path cacheDirectory;

	@Test
	void singleNodeHasAnUpHealthIndicatorAndMeters() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(SocketBoxHealthIndicator.class)
				.hasBean("socketboxHealthIndicator")
				.hasSingleBean(SocketBoxMeterBinder.class);
			assertThat(context.getBean(SocketBoxHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SocketBoxMeterBinder.class).bindTo(registry);
			assertThat(registry.get("socketbox.connections").gauge().value()).isZero();
			assertThat(registry.find("socketbox.cluster.connections").gauge()).isNotNull();
			assertThat(registry.get("socketbox.members").tag("state", "up").gauge().value()).isZero();
		});
	}

	@Test
	void clusterNodeHasAHealthIndicatorThatReportsTheCache() {
		this.contextRunner
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.auto-startup=false",
					"socketbox.cluster.host=127.0.0.1", "socketbox.cluster.secret-key=0123456789abcdef0123456789abcdef",
					"socketbox.cache.type=file", "socketbox.cache.file.directory=" + this.cacheDirectory)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(SocketBoxHealthIndicator.class);
				assertThat(context.getBean(SocketBoxHealthIndicator.class).health(true).getDetails())
					.containsEntry("cache", "reachable")
					.containsKey("members");
			});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.socketbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SocketBoxHealthIndicator.class));
	}

	@Test
	void healthIndicatorBacksOffWithoutTheHealthModule() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SocketBoxHealthIndicator.class));
	}

	@Test
	void metersBackOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SocketBoxMeterBinder.class));
	}

	@Test
	void endpointIsCreatedOnlyWhenExposed() {
		this.contextRunner
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SocketBoxEndpoint.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=socketbox")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(SocketBoxEndpoint.class));
	}

	@Test
	void nothingWithoutASocketBoxHandler() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class,
					SocketBoxHealthContributorAutoConfiguration.class, SocketBoxEndpointAutoConfiguration.class,
					SocketBoxMetricsAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=socketbox")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SocketBoxHealthIndicator.class)
				.doesNotHaveBean(SocketBoxEndpoint.class)
				.doesNotHaveBean(SocketBoxMeterBinder.class));
	}

	@Test
	void userBeansWin() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=socketbox")
			.withUserConfiguration(UserBeansConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("socketboxHealthIndicator")).isSameAs(UserBeansConfiguration.HEALTH);
				assertThat(context).getBean(SocketBoxEndpoint.class).isSameAs(UserBeansConfiguration.endpoint);
				assertThat(context).getBean(SocketBoxMeterBinder.class).isSameAs(UserBeansConfiguration.binder);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		SocketBoxHandler handler() {
			return new SocketBoxHandler() {

				@Override
				public void onMessage(String message, SocketBoxConnection connection) {
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		static final HealthIndicator HEALTH = () -> org.springframework.boot.health.contributor.Health.up().build();

		static SocketBoxEndpoint endpoint;

		static SocketBoxMeterBinder binder;

		@Bean
		HealthIndicator socketboxHealthIndicator() {
			return HEALTH;
		}

		@Bean
		SocketBoxEndpoint userEndpoint(io.socketbox.spring.SocketBoxCluster cluster,
				io.socketbox.spring.SocketBoxMessaging messaging) {
			endpoint = new SocketBoxEndpoint(cluster, messaging, null);
			return endpoint;
		}

		@Bean
		SocketBoxMeterBinder userBinder(io.socketbox.spring.SocketBoxCluster cluster,
				io.socketbox.spring.SocketBoxMessaging messaging) {
			binder = new SocketBoxMeterBinder(cluster, messaging, null, (listener) -> {
			});
			return binder;
		}

	}

}
