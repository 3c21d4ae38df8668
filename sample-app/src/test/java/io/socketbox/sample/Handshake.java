package io.socketbox.sample;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One WebSocket handshake on a plain socket, with the request target exactly as given,
 * so that a test can send what no WebSocket client would; reads the status, then the
 * body of a refusal or the first text frame of an accepted connection, and closes.
 *
 * @param status the HTTP status
 * @param text the body of a refusal, or the first frame of an accepted connection
 */
record Handshake(int status, String text) {

	private static final int TIMEOUT_MILLIS = 5000;

	/**
	 * Request the upgrade of {@code /ws?<rawQuery>}.
	 * @param port the port on 127.0.0.1
	 * @param rawQuery the query, sent as its UTF-8 bytes, not encoded further
	 * @return the outcome
	 */
	static Handshake attempt(int port, String rawQuery) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			String head = "GET /ws?" + rawQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
			socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
			DataInputStream in = new DataInputStream(socket.getInputStream());
			String statusLine = readLine(in);
			int status = Integer.parseInt(statusLine.split(" ")[1]);
			int contentLength = 0;
			for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
				String lower = line.toLowerCase(Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					contentLength = Integer.parseInt(lower.substring("content-length:".length()).trim());
				}
			}
			if (status == 101) {
				return new Handshake(status, readTextFrame(in));
			}
			byte[] body = new byte[contentLength];
			in.readFully(body);
			return new Handshake(status, new String(body, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Handshake for ?" + rawQuery + " failed", ex);
		}
	}

	private static String readLine(DataInputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("End of stream in the response head");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	private static String readTextFrame(DataInputStream in) throws IOException {
		int opcode = in.readUnsignedByte() & 0x0F;
		long length = in.readUnsignedByte() & 0x7F;
		if (length == 126) {
			length = in.readUnsignedShort();
		}
		else if (length == 127) {
			length = in.readLong();
		}
		byte[] payload = new byte[Math.toIntExact(length)];
		in.readFully(payload);
		if (opcode != 0x1) {
			throw new IOException("Expected a text frame, got opcode " + opcode);
		}
		return new String(payload, StandardCharsets.UTF_8);
	}

}
