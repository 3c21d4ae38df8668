package io.socketbox.spring.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client on a plain socket, which writes whatever frames it is given:
 * wrong opcodes, RSV bits, missing masks, lengths that lie, invalid UTF-8, bare
 * continuations, oversized control frames, or bytes that are no frame at all.
 */
public final class RawFrameSocket implements AutoCloseable {

	/** The opcode of a continuation frame. */
	public static final int CONTINUATION = 0x0;

	/** The opcode of a text frame. */
	public static final int TEXT = 0x1;

	/** The opcode of a binary frame. */
	public static final int BINARY = 0x2;

	/** The opcode of a close frame. */
	public static final int CLOSE = 0x8;

	/** The opcode of a ping frame. */
	public static final int PING = 0x9;

	/** The opcode of a pong frame. */
	public static final int PONG = 0xA;

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawFrameSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	/**
	 * Open a connection and complete the opening handshake.
	 * @param port the node's port
	 * @param path the path, {@code /ws} or the cluster path
	 * @return the connection
	 * @throws IOException on a connection failure
	 */
	public static RawFrameSocket open(int port, String path) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		RawFrameSocket webSocket = new RawFrameSocket(socket);
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		webSocket.out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		webSocket.out.flush();
		StringBuilder response = new StringBuilder();
		while (!response.toString().endsWith("\r\n\r\n")) {
			int next = webSocket.in.read();
			assertThat(next).as("handshake response").isNotNegative();
			response.append((char) next);
		}
		assertThat(response.toString()).startsWith("HTTP/1.1 101");
		return webSocket;
	}

	/**
	 * Build a frame as a client would, or as it should not.
	 * @param fin the FIN bit
	 * @param rsv the three RSV bits, 0 to 7
	 * @param opcode the opcode, 0 to 15
	 * @param mask the masking key, or {@code null} for an unmasked frame
	 * @param payload the payload
	 * @param declaredLength the length written in the header, which may lie
	 * @return the bytes
	 */
	public static byte[] frame(boolean fin, int rsv, int opcode, byte[] mask, byte[] payload, long declaredLength) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xF));
		int maskBit = (mask != null) ? 0x80 : 0;
		if (declaredLength < 126) {
			frame.write(maskBit | (int) declaredLength);
		}
		else if (declaredLength <= 0xFFFF) {
			frame.write(maskBit | 126);
			frame.write((int) (declaredLength >>> 8) & 0xFF);
			frame.write((int) declaredLength & 0xFF);
		}
		else {
			frame.write(maskBit | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (declaredLength >>> shift) & 0xFF);
			}
		}
		if (mask != null) {
			frame.writeBytes(mask);
			for (int i = 0; i < payload.length; i++) {
				frame.write(payload[i] ^ mask[i % 4]);
			}
		}
		else {
			frame.writeBytes(payload);
		}
		return frame.toByteArray();
	}

	/**
	 * Build a well-formed, masked, final frame.
	 * @param opcode the opcode
	 * @param payload the payload
	 * @return the bytes
	 */
	public static byte[] frame(int opcode, byte[] payload) {
		return frame(true, 0, opcode, new byte[] { 1, 2, 3, 4 }, payload, payload.length);
	}

	/**
	 * Write bytes, unless the server has closed the connection already.
	 * @param bytes the bytes
	 * @return whether they were written
	 */
	public boolean write(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Send a text message in one well-formed frame.
	 * @param text the text
	 */
	public void sendText(String text) {
		assertThat(write(frame(TEXT, text.getBytes(StandardCharsets.UTF_8)))).as("sent").isTrue();
	}

	/**
	 * Read the next text message from the server, skipping control frames.
	 * @return the text
	 * @throws IOException if the connection closed or nothing came
	 */
	public String readText() throws IOException {
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		while (true) {
			int first = readByte();
			int second = readByte();
			long length = second & 0x7F;
			if (length == 126) {
				length = (readByte() << 8) | readByte();
			}
			else if (length == 127) {
				length = 0;
				for (int i = 0; i < 8; i++) {
					length = (length << 8) | readByte();
				}
			}
			byte[] payload = this.in.readNBytes((int) length);
			int opcode = first & 0xF;
			if (opcode == CLOSE) {
				throw new EOFException("Closed by the server");
			}
			if (opcode == TEXT || opcode == CONTINUATION) {
				message.writeBytes(payload);
				if ((first & 0x80) != 0) {
					return message.toString(StandardCharsets.UTF_8);
				}
			}
		}
	}

	/**
	 * Read and discard until the server closes the connection or the time is up.
	 * @param timeout how long to wait
	 * @return whether the server closed the connection
	 */
	public boolean awaitClosedByServer(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		byte[] buffer = new byte[8192];
		try {
			this.socket.setSoTimeout(50);
			while (System.nanoTime() < deadline) {
				try {
					if (this.in.read(buffer) < 0) {
						return true;
					}
				}
				catch (SocketTimeoutException ex) {
					// Nothing yet
				}
			}
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private int readByte() throws IOException {
		int next = this.in.read();
		if (next < 0) {
			throw new EOFException("Closed by the server");
		}
		return next;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Already closed
		}
	}

}
