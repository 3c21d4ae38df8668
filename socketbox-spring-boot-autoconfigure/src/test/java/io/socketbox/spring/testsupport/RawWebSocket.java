package io.socketbox.spring.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client on a plain socket that does only what a test tells it: it never
 * answers a close frame, so it shows when the server closes the TCP connection itself.
 */
public final class RawWebSocket implements AutoCloseable {

	/** Opcode of a continuation frame. */
	public static final int CONTINUATION = 0x0;

	/** Opcode of a text frame. */
	public static final int TEXT = 0x1;

	/** Opcode of a binary frame. */
	public static final int BINARY = 0x2;

	/** Opcode of a close frame. */
	public static final int CLOSE = 0x8;

	/** Opcode of a ping frame. */
	public static final int PING = 0x9;

	/** Opcode of a pong frame. */
	public static final int PONG = 0xA;

	private final Socket socket;

	private final DataInputStream in;

	private final int status;

	private final List<Frame> frames = new ArrayList<>();

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
		this.status = readResponseHead();
	}

	/**
	 * Open a connection and request the upgrade to WebSocket.
	 * @param port the port on 127.0.0.1
	 * @param path the path
	 * @return the connection, with the status of the response
	 */
	public static RawWebSocket upgrade(int port, String path) {
		return upgrade(port, path, 0);
	}

	/**
	 * Open a connection with a small receive buffer and request the upgrade to
	 * WebSocket.
	 * @param port the port on 127.0.0.1
	 * @param path the path
	 * @param receiveBufferSize the socket's receive buffer, set before it connects, or 0
	 * for the system's default
	 * @return the connection, with the status of the response
	 */
	public static RawWebSocket upgrade(int port, String path, int receiveBufferSize) {
		try {
			Socket socket = new Socket();
			if (receiveBufferSize > 0) {
				socket.setReceiveBufferSize(receiveBufferSize);
			}
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10_000);
			byte[] key = new byte[16];
			ThreadLocalRandom.current().nextBytes(key);
			String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
					+ Base64.getEncoder().encodeToString(key) + "\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			return new RawWebSocket(socket);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not connect to port " + port, ex);
		}
	}

	/**
	 * Open a connection and complete the upgrade to WebSocket.
	 * @param port the port on 127.0.0.1
	 * @param path the path
	 * @return the upgraded connection
	 */
	public static RawWebSocket open(int port, String path) {
		return open(port, path, 0);
	}

	/**
	 * Open a connection with a small receive buffer and complete the upgrade to
	 * WebSocket: a client that then never reads lets little pile up on its side.
	 * @param port the port on 127.0.0.1
	 * @param path the path
	 * @param receiveBufferSize the socket's receive buffer, or 0 for the default
	 * @return the upgraded connection
	 */
	public static RawWebSocket open(int port, String path, int receiveBufferSize) {
		RawWebSocket webSocket = upgrade(port, path, receiveBufferSize);
		assertThat(webSocket.status()).as("status of the upgrade").isEqualTo(101);
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
	public static byte[] frame(boolean fin, int rsv, int opcode, byte @Nullable [] mask, byte[] payload,
			long declaredLength) {
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
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		return frame(true, 0, opcode, mask, payload, payload.length);
	}

	/**
	 * Write bytes, unless the server has closed the connection already.
	 * @param bytes the bytes
	 * @return whether they were written
	 */
	public boolean write(byte[] bytes) {
		try {
			OutputStream out = this.socket.getOutputStream();
			out.write(bytes);
			out.flush();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private int readResponseHead() throws IOException {
		String statusLine = readLine();
		while (!readLine().isEmpty()) {
			// Headers: not needed
		}
		return Integer.parseInt(statusLine.split(" ")[1]);
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != '\n') {
			if (b == -1) {
				throw new EOFException("Connection closed in the HTTP response head");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	/**
	 * Return the HTTP status of the response to the upgrade request.
	 * @return the status, 101 when upgraded
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Read the next frame.
	 * @return the frame
	 */
	public Frame readFrame() {
		try {
			Frame frame = nextFrame();
			if (frame == null) {
				throw new IllegalStateException("Connection closed before a frame arrived");
			}
			return frame;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Read the next frame if one arrives within the given time.
	 * @param timeout how long to wait for the first byte of a frame
	 * @return the frame, or {@code null} if none arrived in time
	 */
	public @Nullable Frame readFrame(Duration timeout) {
		try {
			this.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
			try {
				this.in.mark(1);
				int first = this.in.read();
				if (first == -1) {
					throw new IllegalStateException("Connection closed before a frame arrived");
				}
				this.in.reset();
			}
			catch (SocketTimeoutException ex) {
				return null;
			}
			finally {
				this.socket.setSoTimeout(10_000);
			}
			return readFrame();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Send a masked pong frame.
	 * @param payload its payload
	 * @return whether it was written
	 */
	public boolean sendPong(byte[] payload) {
		return write(frame(PONG, payload));
	}

	/**
	 * Send a masked text frame, as a client must.
	 * @param text the text
	 */
	public void sendText(String text) {
		if (!write(frame(TEXT, text.getBytes(StandardCharsets.UTF_8)))) {
			throw new IllegalStateException("Connection closed by the server");
		}
	}

	/**
	 * Read the next text message from the server, skipping control frames.
	 * @return the text
	 * @throws EOFException if the server closed the connection first
	 */
	public String readText() throws IOException {
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		while (true) {
			Frame frame = nextFrame();
			if (frame == null || frame.opcode() == CLOSE) {
				throw new EOFException("Closed by the server");
			}
			if (frame.opcode() == TEXT || frame.opcode() == CONTINUATION) {
				message.writeBytes(frame.payload());
				if (frame.fin()) {
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

	/**
	 * Read frames until the server closes the TCP connection, without ever answering
	 * its close frame.
	 * @param timeout how long to wait for the end of the connection
	 * @return how long it took
	 * @throws AssertionError if the connection is still open after the timeout
	 */
	public Duration awaitEndOfStream(Duration timeout) {
		long start = System.nanoTime();
		try {
			this.socket.setSoTimeout((int) timeout.toMillis());
			while (nextFrame() != null) {
				// Recorded
			}
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("Connection still open after " + timeout + "; frames: " + this.frames);
		}
		catch (EOFException | SocketException ex) {
			// Ended within a frame, or reset by the server: closed as well
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Return the frames received so far.
	 * @return the frames
	 */
	public List<Frame> frames() {
		return List.copyOf(this.frames);
	}

	/**
	 * Return the status code of the close frame received, if any.
	 * @return the code, or -1 without a close frame
	 */
	public int closeCode() {
		return this.frames.stream()
			.filter((frame) -> frame.opcode() == CLOSE && frame.payload().length >= 2)
			.mapToInt((frame) -> ((frame.payload()[0] & 0xFF) << 8) | (frame.payload()[1] & 0xFF))
			.findFirst()
			.orElse(-1);
	}

	/**
	 * Return the reason in the close frame received, if any.
	 * @return the reason, or {@code null} without a close frame
	 */
	public String closeReason() {
		return this.frames.stream()
			.filter((frame) -> frame.opcode() == CLOSE && frame.payload().length >= 2)
			.map((frame) -> new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8))
			.findFirst()
			.orElse(null);
	}

	private Frame nextFrame() throws IOException {
		int first = this.in.read();
		if (first == -1) {
			return null;
		}
		int second = this.in.readUnsignedByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = this.in.readUnsignedShort();
		}
		else if (length == 127) {
			length = this.in.readLong();
		}
		byte[] payload = new byte[(int) length];
		this.in.readFully(payload);
		Frame frame = new Frame(first & 0x0F, (first & 0x80) != 0, payload);
		this.frames.add(frame);
		return frame;
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

	/**
	 * A frame from the server, which never masks.
	 *
	 * @param opcode the opcode
	 * @param fin whether it is the last frame of its message
	 * @param payload the payload
	 */
	public record Frame(int opcode, boolean fin, byte[] payload) {

		public boolean isText() {
			return this.opcode == TEXT;
		}

		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return "Frame[opcode=" + this.opcode + ", " + this.payload.length + " bytes]";
		}

	}

}
