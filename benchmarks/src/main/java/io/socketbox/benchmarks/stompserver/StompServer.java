package io.socketbox.benchmarks.stompserver;

import java.util.List;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * A STOMP endpoint at {@code /stomp}, broker prefix {@code /topic}, in one of three
 * modes chosen by {@code bench.stomp.mode}: {@code socketbox} (Spring's simple broker,
 * clustered by SocketBox through the cluster properties), {@code relay} (Spring's
 * {@code enableStompBrokerRelay} to the RabbitMQ STOMP port {@code bench.stomp.relay-port})
 * and {@code simple} (Spring's simple broker on one node). The benchmark starts it with
 * {@code spring.autoconfigure.exclude} naming SocketBox's auto-configurations in the two
 * modes without SocketBox, so that they run Spring alone.
 */
@SpringBootApplication
public class StompServer {

	public static void main(String[] args) {
		SpringApplication.run(StompServer.class, args);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class StompConfiguration implements WebSocketMessageBrokerConfigurer {

		private final String mode;

		private final int relayPort;

		StompConfiguration(@Value("${bench.stomp.mode}") String mode,
				@Value("${bench.stomp.relay-port:61613}") int relayPort) {
			if (!List.of("socketbox", "relay", "simple").contains(mode)) {
				throw new IllegalArgumentException("bench.stomp.mode is socketbox, relay or simple, not " + mode);
			}
			this.mode = mode;
			this.relayPort = relayPort;
		}

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/stomp");
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			if (this.mode.equals("relay")) {
				// As documented for several servers: every node relays to the same RabbitMQ
				registry.enableStompBrokerRelay("/topic")
					.setRelayHost("127.0.0.1")
					.setRelayPort(this.relayPort)
					// RabbitMQ's only virtual host; Spring's default is the relay host's name
					.setVirtualHost("/")
					.setClientLogin("guest")
					.setClientPasscode("guest")
					.setSystemLogin("guest")
					.setSystemPasscode("guest");
			}
			else {
				registry.enableSimpleBroker("/topic");
			}
			registry.setApplicationDestinationPrefixes("/app");
		}

	}

	/**
	 * {@code GET /ready}: how many other nodes this node can deliver to now (SocketBox:
	 * peer links up), {@code broker} when the relay's system session is connected to
	 * RabbitMQ, {@code single} for the simple broker.
	 */
	@RestController
	static class ReadyController {

		private final ObjectProvider<SocketBoxCluster> cluster;

		private final ObjectProvider<StompBrokerRelayMessageHandler> relay;

		ReadyController(ObjectProvider<SocketBoxCluster> cluster, ObjectProvider<StompBrokerRelayMessageHandler> relay) {
			this.cluster = cluster;
			this.relay = relay;
		}

		@GetMapping("/ready")
		String ready() {
			StompBrokerRelayMessageHandler relay = this.relay.getIfAvailable();
			if (relay != null) {
				return relay.isBrokerAvailable() ? "broker" : "connecting";
			}
			SocketBoxCluster cluster = this.cluster.getIfAvailable();
			if (cluster != null && cluster.isEnabled()) {
				return "links " + cluster.getMembers()
					.stream()
					.filter((member) -> member.link() == ClusterMember.LinkState.UP)
					.count();
			}
			return "single";
		}

	}

}
