package io.socketbox.spring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.LifecyclePhases;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster node that stops gracefully says {@code OUT_OF_SERVICE} over HTTP from the
 * moment it stops accepting browsers, while the web server still answers, so that a load
 * balancer's health check takes it out before it is gone.
 */
class DrainingHealthTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final HttpClient http = HttpClient.newHttpClient();

	private Node node;

	@AfterEach
	void stopNode() {
		StopHold.release.countDown();
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void healthIsOutOfServiceWhileTheNodeDrains() throws Exception {
		this.node = new Node(new SpringApplicationBuilder(TestNodeApplication.class, StopHold.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + ClusterNodes.SECRET,
					"socketbox.cluster.host=127.0.0.1", "socketbox.cluster.cache-prefix=draining:",
					"socketbox.cache.type=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.getPort(), "management.endpoint.health.show-details=always")
			.run());
		HttpResponse<String> before = health();
		assertThat(before.statusCode()).isEqualTo(200);
		assertThat(socketbox(before).path("status").asString()).isEqualTo("UP");

		CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> this.node.context().stop());
		assertThat(StopHold.draining.await(10, TimeUnit.SECONDS)).as("stop reached the held phase").isTrue();
		HttpResponse<String> during = health();
		assertThat(during.statusCode()).isEqualTo(503);
		JsonNode body = JsonMapper.shared().readTree(during.body());
		assertThat(body.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(socketbox(during).path("status").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(socketbox(during).path("details").path("acceptingBrowsers").asBoolean()).isFalse();
		StopHold.release.countDown();
		stopping.get(30, TimeUnit.SECONDS);
	}

	private HttpResponse<String> health() throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.node.port() + "/actuator/health"))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode socketbox(HttpResponse<String> response) {
		return JsonMapper.shared().readTree(response.body()).path("components").path("socketbox");
	}

	/**
	 * Holds the stop right after the browser endpoint has stopped, before the cluster
	 * leaves, so that the test can look at the health of a node that has begun to drain.
	 */
	static class StopHold implements SmartLifecycle {

		static final CountDownLatch draining = new CountDownLatch(1);

		static final CountDownLatch release = new CountDownLatch(1);

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			draining.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return LifecyclePhases.BROWSER_ENDPOINT - 1;
		}

	}

}
