package io.socketbox.spring.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;

import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.TestNodeApplication;
import io.socketbox.spring.testsupport.TestServers;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random bursts of random text, sent to a real connection on a real container, arrive
 * intact and in order: the first message of a burst leaves at once and the rest queue
 * behind it and leave together. The text is what a browser controls: any size across
 * the frame header's length boundaries, any script, and invalid UTF-16 (lone
 * surrogates, which arrive as U+FFFD). Run on Tomcat
 * ({@link OutboxBatchingPropertiesOnTomcatTests}) and on Jetty
 * ({@link OutboxBatchingPropertiesOnJettyTests}).
 */
abstract class OutboxBatchingProperties {

	private Node node;

	private LocalConnections connections;

	private ConnectedClient client;

	/**
	 * Return the container, as {@link TestServers} names it.
	 * @return {@code tomcat} or {@code jetty}
	 */
	abstract String server();

	@BeforeProperty
	void startNode() {
		this.node = new Node(new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.host=127.0.0.1", "socketbox.send-buffer-size-limit=64MB",
					TestServers.PROPERTY + "=" + server())
			.run());
		this.connections = this.node.context().getBean(LocalConnections.class);
	}

	@AfterProperty
	void stopNode() {
		if (this.node != null) {
			this.node.stop();
		}
	}

	/**
	 * A client of its own for each try, so that a failed try leaves nothing behind for
	 * the next (shrinking runs many).
	 */
	@BeforeTry
	void connect() {
		this.client = this.node.connect(null);
		await().until(() -> this.connections.getAll().size() == 1);
		// Skip the id message
		this.client.client().next();
	}

	@AfterTry
	void disconnect() {
		this.client.client().close();
		await().until(() -> this.connections.getAll().isEmpty());
	}

	@Property(tries = 60)
	void burstsOfRandomTextArriveIntactAndInOrder(@ForAll("bursts") List<String> burst) {
		for (String text : burst) {
			assertThat(this.connections.broadcast(OutboundText.of(text))).isOne();
		}
		for (String text : burst) {
			assertThat(this.client.client().next()).isEqualTo(OutboundText.toWellFormed(text));
		}
	}

	@Provide
	Arbitrary<List<String>> bursts() {
		Arbitrary<String> boundaries = Arbitraries.of(0, 1, 125, 126, 127, 65_535, 65_536, 65_537)
			.flatMap((size) -> Arbitraries.of("x", "\u00e9", "\u20ac", "\uD83D\uDE00")
				.map((unit) -> unit.repeat(Math.max(0, size / unit.getBytes(StandardCharsets.UTF_8).length))));
		Arbitrary<String> text = Arbitraries.frequencyOf(
				Tuple.of(5, HostileStrings.upTo(80)),
				Tuple.of(3, Arbitraries.strings().all().ofMaxLength(400)),
				Tuple.of(2, boundaries),
				Tuple.of(1, Arbitraries.strings().withCharRange('\u0800', '\uFFFF').ofMinLength(22_000).ofMaxLength(30_000)));
		return text.list().ofMinSize(1).ofMaxSize(40);
	}

}
