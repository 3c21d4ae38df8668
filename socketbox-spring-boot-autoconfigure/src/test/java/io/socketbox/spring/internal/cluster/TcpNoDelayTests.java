package io.socketbox.spring.internal.cluster;

import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.testsupport.TestServers;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TcpNoDelay}, on real connections of Tomcat's WebSocket client.
 */
class TcpNoDelayTests {

	private ConfigurableApplicationContext server;

	private WebSocketSession session;

	@BeforeEach
	void connect() throws Exception {
		this.server = new SpringApplicationBuilder(ServerConfiguration.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run();
		int port = this.server.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		this.session = new StandardWebSocketClient()
			.execute(new TextWebSocketHandler(), "ws://127.0.0.1:" + port + "/plain")
			.get(10, TimeUnit.SECONDS);
	}

	@AfterEach
	void disconnect() throws Exception {
		this.session.close();
		this.server.close();
	}

	@Test
	void setsNoDelayOnTheSocketOfTomcatsClient() throws Exception {
		NetworkChannel socket = TcpNoDelay.socketOf(this.session);
		assertThat(socket).isNotNull();
		assertThat(socket.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
		assertThat(TcpNoDelay.enable(this.session)).isTrue();
		assertThat(socket.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
	}

	@Test
	void leavesASessionWithoutReachableSocketAlone() {
		assertThat(TcpNoDelay.enable(new ConcurrentWebSocketSessionDecorator(this.session, 1000, 1024))).isFalse();
		assertThat(this.session.isOpen()).isTrue();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableWebSocket
	@Import(TestServers.class)
	static class ServerConfiguration {

		@Bean
		WebSocketConfigurer plainEndpoint() {
			return (registry) -> registry.addHandler(new TextWebSocketHandler(), "/plain");
		}

	}

}
