package io.socketbox.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample on each container it is built for: {@code sample-app.jar} on
 * Jetty and {@code sample-app-tomcat.jar} on Tomcat. Two nodes link up, and a chat of
 * multi-byte text, longer than Tomcat's 1 KB message buffers that the starter sets,
 * reaches a browser on each node whole. On Jetty, with the sample's own
 * {@code server.jetty.connection-idle-timeout} (as the README advises), browsers that say
 * nothing stay connected past Jetty's default 30-second idle timeout (Tomcat has none for
 * WebSockets).
 */
class ContainersIT {

	private static final JsonMapper jsonMapper = JsonMapper.shared();

	/** Jetty 12's default idle timeout of a connection ({@code server.jetty.connection-idle-timeout}). */
	private static final Duration JETTY_IDLE_TIMEOUT = Duration.ofSeconds(30);

	private final List<SampleNodeProcess> nodes = new ArrayList<>();

	@AfterEach
	void stopNodes() throws InterruptedException {
		for (SampleNodeProcess node : this.nodes) {
			node.report();
			node.kill();
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "Jetty, sample.jar, target/sample-app.jar", "Tomcat, sample.tomcat.jar, target/sample-app-tomcat.jar" })
	void twoNodesLinkAndCarryLongMessages(String container, String jarProperty, String defaultJar) throws Exception {
		Path jar = Path.of(System.getProperty(jarProperty, defaultJar)).toAbsolutePath();
		Path cache = Files.createTempDirectory("containers-it");
		int[] ports = SampleNodeProcess.freePorts(2);
		for (int i = 0; i < 2; i++) {
			this.nodes.add(SampleNodeProcess.start(jar, container.toLowerCase() + "-" + (i + 1), ports[i],
					List.of("--socketbox.cache.file.directory=" + cache)));
		}
		SampleNodeProcess.awaitLinked(this.nodes, SampleNodeProcess.START_TIMEOUT);
		for (SampleNodeProcess node : this.nodes) {
			assertThat(node.log()).contains(container + " started on port " + node.port());
		}
		String text = "é€😀 ".repeat(1_500);
		try (ChatClient sender = ChatClient.connect(jsonMapper, ports[0]);
				ChatClient receiver = ChatClient.connect(jsonMapper, ports[1])) {
			sender.next("welcome");
			receiver.next("welcome");
			if (container.equals("Jetty")) {
				await().alias("idle browsers still connected")
					.during(JETTY_IDLE_TIMEOUT.plusSeconds(5))
					.atMost(JETTY_IDLE_TIMEOUT.plusSeconds(15))
					.until(() -> sender.isOpen() && receiver.isOpen());
			}
			sender.send(jsonMapper.writeValueAsString(new ChatMessageFrame("chat", text)));
			assertThat(receiver.next("chat").path("text").asString()).isEqualTo(text);
			assertThat(sender.next("chat").path("text").asString()).isEqualTo(text);
		}
	}

	record ChatMessageFrame(String type, String text) {
	}

}
