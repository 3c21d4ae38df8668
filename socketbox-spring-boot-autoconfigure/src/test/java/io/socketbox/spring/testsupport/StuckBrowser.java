package io.socketbox.spring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser that opens a WebSocket and then never reads: what a node sends it piles up
 * in a small socket buffer.
 */
public final class StuckBrowser {

	private StuckBrowser() {
	}

	/**
	 * Open a WebSocket connection to a node's browser path and never read from it.
	 * @param port the node's port
	 * @return the socket, after the handshake
	 * @throws IOException on a connection failure
	 */
	public static Socket open(int port) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(new InetSocketAddress("127.0.0.1", port));
		String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
		OutputStream out = socket.getOutputStream();
		out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder response = new StringBuilder();
		while (!response.toString().endsWith("\r\n\r\n")) {
			int next = in.read();
			assertThat(next).as("handshake response").isNotNegative();
			response.append((char) next);
		}
		assertThat(response.toString()).startsWith("HTTP/1.1 101");
		return socket;
	}

}
