package io.socketbox.spring.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EmbeddedRedis}.
 */
class EmbeddedRedisTests {

	@Test
	void startNewAnswersPingOnLoopback() throws IOException {
		try (EmbeddedRedis redis = EmbeddedRedis.startNew()) {
			assertThat(redis.isRunning()).isTrue();
			assertThat(send(redis.getPort(), "PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void startNewHasPersistenceDisabled() throws IOException {
		try (EmbeddedRedis redis = EmbeddedRedis.startNew()) {
			assertThat(send(redis.getPort(), "CONFIG GET appendonly", 5)).isEqualTo("*2 $10 appendonly $2 no");
			assertThat(send(redis.getPort(), "CONFIG GET save", 5)).isEqualTo("*2 $4 save $0 ");
		}
	}

	@Test
	void stopThenStartServesSamePortAgain() throws IOException {
		try (EmbeddedRedis redis = EmbeddedRedis.startNew()) {
			int port = redis.getPort();
			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> send(port, "PING"));
			redis.start();
			assertThat(redis.getPort()).isEqualTo(port);
			assertThat(send(port, "PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void startNewTwiceUsesDifferentPorts() {
		try (EmbeddedRedis first = EmbeddedRedis.startNew(); EmbeddedRedis second = EmbeddedRedis.startNew()) {
			assertThat(first.getPort()).isNotEqualTo(second.getPort());
		}
	}

	private static String send(int port, String inlineCommand) throws IOException {
		return send(port, inlineCommand, 1);
	}

	/**
	 * Send an inline command and return the first lines of the reply, joined.
	 */
	private static String send(int port, String inlineCommand, int lines) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			StringBuilder reply = new StringBuilder();
			for (int i = 0; i < lines; i++) {
				reply.append((i > 0) ? " " : "").append(in.readLine());
			}
			return reply.toString();
		}
	}

}
