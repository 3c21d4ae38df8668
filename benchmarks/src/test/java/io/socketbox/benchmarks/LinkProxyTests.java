package io.socketbox.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LinkProxy}, with a real echo server on 127.0.0.1.
 */
class LinkProxyTests {

	private ServerSocket echo;

	private final CompletableFuture<Long> echoed = new CompletableFuture<>();

	private final LinkProxy proxy = new LinkProxy();

	LinkProxyTests() throws IOException {
	}

	@BeforeEach
	void startEcho() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread thread = new Thread(() -> {
			try (Socket socket = this.echo.accept()) {
				InputStream input = socket.getInputStream();
				OutputStream output = socket.getOutputStream();
				long total = 0;
				byte[] buffer = new byte[1024];
				for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
					output.write(buffer, 0, n);
					total += n;
				}
				this.echoed.complete(total);
			}
			catch (IOException ex) {
				this.echoed.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void countsEveryByteBothWays() throws Exception {
		this.proxy.forwardTo(this.echo.getLocalPort());
		long before = System.nanoTime();
		try (Socket client = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port())) {
			byte[] sent = new byte[100_000];
			for (int i = 0; i < sent.length; i++) {
				sent[i] = (byte) i;
			}
			CompletableFuture<byte[]> received = CompletableFuture
				.supplyAsync(() -> readFully(client, sent.length));
			client.getOutputStream().write(sent);
			assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(sent);
			assertThat(this.proxy.bytes()).isEqualTo(2L * sent.length);
			client.shutdownOutput();
			// The half-close reaches the server through the proxy
			assertThat(this.echoed.get(10, TimeUnit.SECONDS)).isEqualTo(sent.length);
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.proxy.connections()).isEqualTo(1);
		assertThat(this.proxy.firstAcceptedSince(before)).isGreaterThanOrEqualTo(before);
		assertThat(this.proxy.firstAcceptedSince(System.nanoTime())).isEqualTo(-1);
	}

	@Test
	void closesConnectionsBeforeItKnowsWhereToForward() throws Exception {
		try (Socket client = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port())) {
			client.setSoTimeout(10_000);
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.proxy.connections()).isEqualTo(1);
		assertThat(this.proxy.bytes()).isZero();
		assertThat(this.echoed).isNotDone();
	}

	private static byte[] readFully(Socket socket, int length) {
		try {
			return socket.getInputStream().readNBytes(length);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
