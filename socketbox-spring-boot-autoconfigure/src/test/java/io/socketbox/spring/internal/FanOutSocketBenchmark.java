package io.socketbox.spring.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RawWebSocket;
import io.socketbox.spring.testsupport.TestNodeApplication;
import io.socketbox.spring.testsupport.TestServers;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Prints deliveries per second of broadcasts from one node to many real connections on
 * 127.0.0.1, for the container named by the first argument ({@code tomcat} or
 * {@code jetty}): each connection is read by a thread of its own in this JVM, so the
 * figure includes the readers' cost and is indicative only. Not a test: run its
 * {@code main} with the test class path.
 */
public final class FanOutSocketBenchmark {

	private FanOutSocketBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String server = (args.length > 0) ? args[0] : "tomcat";
		int connections = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		int messages = (args.length > 2) ? Integer.parseInt(args[2]) : 2000;
		Node node = new Node(new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"logging.level.root=warn", "socketbox.cluster.host=127.0.0.1",
					"socketbox.send-buffer-size-limit=64MB", TestServers.PROPERTY + "=" + server)
			.run());
		try {
			LocalConnections local = node.context().getBean(LocalConnections.class);
			String text = "{\"type\":\"chat\",\"text\":\"" + "x".repeat(80) + "\u00e9\"}";
			for (int round = 0; round < 3; round++) {
				List<RawWebSocket> clients = new ArrayList<>();
				for (int i = 0; i < connections; i++) {
					RawWebSocket client = RawWebSocket.open(node.port(), "/ws");
					client.readText();
					clients.add(client);
				}
				CountDownLatch done = new CountDownLatch(connections);
				for (RawWebSocket client : clients) {
					Thread reader = new Thread(() -> {
						try {
							for (int i = 0; i < messages; i++) {
								client.readText();
							}
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
						done.countDown();
					});
					reader.setDaemon(true);
					reader.start();
				}
				long start = System.nanoTime();
				for (int i = 0; i < messages; i++) {
					local.broadcast(OutboundText.of(text));
				}
				if (!done.await(120, TimeUnit.SECONDS)) {
					throw new IllegalStateException("Not every message arrived");
				}
				double seconds = (System.nanoTime() - start) / 1e9;
				System.out.printf("%s: %d connections x %d messages: %.0f deliveries/s%n", server, connections,
						messages, connections * (double) messages / seconds);
				clients.forEach(RawWebSocket::close);
			}
		}
		finally {
			node.stop();
		}
	}

}
