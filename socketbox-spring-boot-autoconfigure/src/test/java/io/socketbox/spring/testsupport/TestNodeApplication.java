package io.socketbox.spring.testsupport;

import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.autoconfigure.SocketBoxEndpointCustomizer;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.RedisCacheProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.RequestUpgradeStrategy;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A cluster node for tests: its handler tells each client its connection id, and a
 * REST endpoint sends to a connection from the server side.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TestServers.class)
public class TestNodeApplication {

	/**
	 * Run a node as a process of its own.
	 * @param args the application arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(TestNodeApplication.class, args);
	}

	/**
	 * The prefix of the first message each client receives, followed by its id.
	 */
	public static final String ID_PREFIX = "id:";

	/**
	 * The prefix of a client message that is sent back to that client as it is.
	 */
	public static final String ECHO_PREFIX = "echo:";

	/**
	 * The prefix of a client message whose rest is broadcast as it is.
	 */
	public static final String BROADCAST_PREFIX = "broadcast:";

	/**
	 * The prefix of a client message whose rest is a JSON object: its {@code text}, when
	 * it is a string, is broadcast, as a chat application would (a JSON escape such as
	 * {@code \ud800} becomes a lone surrogate).
	 */
	public static final String CHAT_PREFIX = "chat:";

	@Bean
	@ConditionalOnProperty(name = "test.cache", havingValue = "slow-racy")
	CacheProvider slowRacyCache() {
		return SlowRacyCache.SHARED;
	}

	@Bean
	@ConditionalOnProperty(name = "test.cache", havingValue = "shared-map")
	CacheProvider sharedMapCache() {
		return SharedMapCache.SHARED;
	}

	@Bean
	@ConditionalOnProperty(name = "test.cache", havingValue = "failable-redis")
	FailableCache failableRedisCache(StringRedisTemplate redisTemplate, Environment environment) {
		FailableCache cache = new FailableCache(new RedisCacheProvider(redisTemplate));
		cache.setFailing(environment.getProperty("test.cache.failing", Boolean.class, false));
		return cache;
	}

	@Bean
	ManagerEventLog managerEventLog() {
		return new ManagerEventLog();
	}

	@Bean
	SocketBoxHandler testHandler(JsonMapper jsonMapper) {
		return new SocketBoxHandler() {

			@Override
			public void onConnect(SocketBoxConnection connection) {
				sendMessage(ID_PREFIX + connection.getId(), connection);
			}

			@Override
			public void onMessage(String message, SocketBoxConnection connection) {
				if (message.startsWith(ECHO_PREFIX)) {
					sendMessage(message, connection);
				}
				else if (message.startsWith(BROADCAST_PREFIX)) {
					broadcastMessage(message.substring(BROADCAST_PREFIX.length()));
				}
				else if (message.startsWith(CHAT_PREFIX)) {
					JsonNode text = jsonMapper.readTree(message.substring(CHAT_PREFIX.length())).path("text");
					if (text.isString()) {
						broadcastMessage(text.asString());
					}
				}
			}

		};
	}

	/**
	 * Takes the user name from the {@code user} query parameter, standing in for the
	 * application's authentication.
	 */
	@Bean
	SocketBoxEndpointCustomizer userFromQueryParameter(Environment environment) {
		// Spring picks Jetty's own upgrade where Jetty's WebSocket server is present;
		// test.upgrade=standard makes it Jakarta WebSocket's
		RequestUpgradeStrategy upgrade = "standard".equals(environment.getProperty("test.upgrade"))
				? new StandardWebSocketUpgradeStrategy() : new DefaultHandshakeHandler().getRequestUpgradeStrategy();
		return (registration) -> registration.setHandshakeHandler(new DefaultHandshakeHandler(upgrade) {

			@Override
			protected Principal determineUser(ServerHttpRequest request, WebSocketHandler handler,
					Map<String, Object> attributes) {
				String user = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("user");
				return (user != null) ? () -> user : null;
			}

		});
	}

	@RestController
	static class NotifyController {

		private final SocketBoxMessaging messaging;

		NotifyController(SocketBoxMessaging messaging) {
			this.messaging = messaging;
		}

		@PostMapping("/notify")
		SendResult notify(@RequestParam String to, @RequestBody String text)
				throws InterruptedException, ExecutionException {
			return this.messaging.send(to, text).get();
		}

	}

}
