package io.socketbox.sample;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the switch of the sample's idle-connection tuning; its effect on a running
 * server is in {@link IdleConnectionTuningServerOnTomcatTests}. Both run on
 * Tomcat, the only container the tuning is for (sample-app-tomcat.jar).
 */
class IdleConnectionTuningOnTomcatTests {

	private static final String BUFFER_SIZE = WebSocketBufferSizePostProcessor.BUFFER_SIZE_PROPERTY;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withUserConfiguration(IdleConnectionTuning.class);

	private @Nullable String bufferSizeBefore;

	@BeforeEach
	void clearBufferSize() {
		this.bufferSizeBefore = System.clearProperty(BUFFER_SIZE);
	}

	@AfterEach
	void restoreBufferSize() {
		if (this.bufferSizeBefore != null) {
			System.setProperty(BUFFER_SIZE, this.bufferSizeBefore);
		}
		else {
			System.clearProperty(BUFFER_SIZE);
		}
	}

	@Test
	void offByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean("webSocketContainer")
			.doesNotHaveBean(TomcatConnectorCustomizer.class));
		postProcess(new MockEnvironment());
		assertThat(System.getProperty(BUFFER_SIZE)).isNull();
	}

	@Test
	void switchedOnSetsTomcatsWebSocketBufferSize() {
		postProcess(enabled());
		assertThat(System.getProperty(BUFFER_SIZE)).isEqualTo(Integer.toString(IdleConnectionTuning.BUFFER_SIZE));
	}

	@Test
	void keepsAWebSocketBufferSizeSetAlready() {
		System.setProperty(BUFFER_SIZE, "4096");
		postProcess(enabled());
		assertThat(System.getProperty(BUFFER_SIZE)).isEqualTo("4096");
	}

	private static MockEnvironment enabled() {
		return new MockEnvironment().withProperty(IdleConnectionTuning.ENABLED_PROPERTY, "true");
	}

	private static void postProcess(MockEnvironment environment) {
		new WebSocketBufferSizePostProcessor().postProcessEnvironment(environment, new SpringApplication());
	}

}
