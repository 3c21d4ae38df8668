package io.socketbox.spring.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that does only what a test tells it: it never
 * answers a close frame, so it shows when the server closes the TCP connection itself.
 */
public final class RawWebSocket implements AutoCloseable {

	private static final int OPCODE_TEXT = 0x1;

	private static final int OPCODE_CLOSE = 0x8;

	private final Socket socket;

	private final DataInputStream in;

	private final int status;

	private final List<Frame> frames = new ArrayList<>();

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		this.status = readResponseHead();
	}

	/**
	 * Open a connection and request the upgrade to WebSocket.
	 * @param port the port on 127.0.0.1
	 * @param path the path
	 * @return the connection, with the status of the response
	 */
	public static RawWebSocket upgrade(int port, String path) {
		try {
			Socket socket = new Socket("127.0.0.1", port);
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
	 * Send a masked text frame, as a client must.
	 * @param text the text
	 */
	public void sendText(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
		frame.put((byte) (0x80 | OPCODE_TEXT));
		if (payload.length < 126) {
			frame.put((byte) (0x80 | payload.length));
		}
		else if (payload.length < 65536) {
			frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
		}
		else {
			frame.put((byte) (0x80 | 127)).putLong(payload.length);
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.put(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.put((byte) (payload[i] ^ mask[i % 4]));
		}
		try {
			OutputStream out = this.socket.getOutputStream();
			out.write(frame.array(), 0, frame.position());
			out.flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
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
			.filter((frame) -> frame.opcode() == OPCODE_CLOSE && frame.payload().length >= 2)
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
			.filter((frame) -> frame.opcode() == OPCODE_CLOSE && frame.payload().length >= 2)
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
		Frame frame = new Frame(first & 0x0F, payload);
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
	 * @param payload the payload
	 */
	public record Frame(int opcode, byte[] payload) {

		public boolean isText() {
			return this.opcode == OPCODE_TEXT;
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
