package io.socketbox.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A browser that stops reading: a raw TCP socket, with a small receive buffer, that
 * completes the WebSocket handshake, reads frames until the server has told its
 * connection id (answering what the protocol wants answered on the way, such as
 * Socket.IO's {@code 40}), and then never reads again, so that the kernel's buffers
 * fill and the server's writes to it block. (The JDK's WebSocket client with
 * {@code request(n)} flow control would stop delivering frames but keep reading the
 * socket into its own buffers, so it is not used here.)
 * <p>
 * Whether the server has cut the connection is read from the kernel's socket table
 * ({@code /proc/net/tcp} and {@code tcp6}), since reading the socket would unblock the
 * server: the connection is cut once either end is no longer established (the server
 * closed its end, or its RST removed both).
 */
final class StuckClient implements AutoCloseable {

	/** The receive buffer asked for; Linux doubles it and keeps at least 2 KB. */
	static final int RECEIVE_BUFFER = 4096;

	private static final List<Path> SOCKET_TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

	private static final String ESTABLISHED = "01";

	private final Socket socket;

	private final String id;

	private final long stoppedReadingAt;

	private StuckClient(Socket socket, String id, long stoppedReadingAt) {
		this.socket = socket;
		this.id = id;
		this.stoppedReadingAt = stoppedReadingAt;
	}

	/**
	 * Connect, take the welcome and stop reading.
	 */
	static StuckClient open(Wire wire, int port, int timeoutMillis) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setReceiveBufferSize(RECEIVE_BUFFER);
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			byte[] nonce = new byte[16];
			new SecureRandom().nextBytes(nonce);
			out.write(("GET " + wire.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
					+ Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String status = readHead(in);
			if (!status.startsWith("HTTP/1.1 101")) {
				throw new IOException("Handshake refused: " + status.lines().findFirst().orElse(""));
			}
			while (true) {
				String text = readTextFrame(in, out);
				if (text == null) {
					continue;
				}
				switch (wire.read(text)) {
					case WELCOME -> {
						return new StuckClient(socket, wire.connectionId(text), System.nanoTime());
					}
					case OTHER -> {
						String reply = wire.reply(text);
						if (reply != null) {
							writeText(out, reply);
						}
					}
					default -> {
						// A message before the welcome: not expected, read on
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	String id() {
		return this.id;
	}

	/**
	 * Return the {@link System#nanoTime()} after which the socket was never read.
	 */
	long stoppedReadingAt() {
		return this.stoppedReadingAt;
	}

	/**
	 * Read the kernel's socket table once: whether the connection is still established
	 * at both ends, and the server end's send queue (bytes the server has written that
	 * this end has not taken in; -1 when that end is gone). Return {@code null} when
	 * there is no socket table to read (not Linux). The server's end tells the cut first:
	 * a server that closes leaves its end in {@code FIN_WAIT1} while its FIN waits behind
	 * the data this end never takes, so this end stays established.
	 */
	State state() {
		List<String> lines = socketTable();
		if (lines == null) {
			return null;
		}
		Entry client = find(lines, this.socket.getLocalPort(), this.socket.getPort());
		Entry server = find(lines, this.socket.getPort(), this.socket.getLocalPort());
		boolean established = client != null && client.state().equals(ESTABLISHED) && server != null
				&& server.state().equals(ESTABLISHED);
		return new State(established, (server != null) ? server.sendQueue() : -1);
	}

	/**
	 * One reading of the connection in the kernel's socket table.
	 *
	 * @param established whether both ends are established
	 * @param serverSendQueue the server end's send queue in bytes, -1 when it is gone
	 */
	record State(boolean established, long serverSendQueue) {

	}

	private static List<String> socketTable() {
		List<String> lines = new ArrayList<>();
		boolean readable = false;
		for (Path table : SOCKET_TABLES) {
			if (Files.isReadable(table)) {
				readable = true;
				try {
					lines.addAll(Files.readAllLines(table));
				}
				catch (IOException ex) {
					return null;
				}
			}
		}
		return readable ? lines : null;
	}

	private static Entry find(List<String> lines, int localPort, int remotePort) {
		String local = String.format(Locale.ROOT, ":%04X", localPort);
		String remote = String.format(Locale.ROOT, ":%04X", remotePort);
		for (String line : lines) {
			Entry entry = Entry.parse(line, local, remote);
			if (entry != null) {
				return entry;
			}
		}
		return null;
	}

	/**
	 * One socket of the kernel's table ({@code /proc/net/tcp}): its state (two hex
	 * digits, {@code 01} established, {@code 08} close-wait) and its send queue in bytes.
	 */
	record Entry(String state, long sendQueue) {

		/**
		 * Parse a line of the table whose local and remote ports are the given ones (as
		 * {@code :XXXX}), or return {@code null} for another socket or the header.
		 */
		static Entry parse(String line, String localPort, String remotePort) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length < 5 || !fields[1].endsWith(localPort) || !fields[2].endsWith(remotePort)) {
				return null;
			}
			String[] queues = fields[4].split(":");
			try {
				return new Entry(fields[3], Long.parseLong(queues[0], 16));
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("Closed during the handshake");
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : ((b == end[0]) ? 1 : 0);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	/**
	 * Read one frame; return its text for a whole text frame, answer a ping, and return
	 * {@code null} for anything else. Servers send small unfragmented frames before the
	 * welcome.
	 */
	private static String readTextFrame(InputStream in, OutputStream out) throws IOException {
		int first = readByte(in);
		int second = readByte(in);
		long length = second & 0x7F;
		if (length == 126) {
			length = (readByte(in) << 8) | readByte(in);
		}
		else if (length == 127) {
			length = 0;
			for (int i = 0; i < 8; i++) {
				length = (length << 8) | readByte(in);
			}
		}
		byte[] payload = in.readNBytes((int) length);
		if (payload.length != length) {
			throw new EOFException("Closed inside a frame");
		}
		int opcode = first & 0x0F;
		if (opcode == 0x9) {
			writeFrame(out, 0xA, payload);
			return null;
		}
		if (opcode == 0x8) {
			throw new EOFException("Closed by the server before the welcome");
		}
		return (opcode == 0x1) ? new String(payload, StandardCharsets.UTF_8) : null;
	}

	private static int readByte(InputStream in) throws IOException {
		int b = in.read();
		if (b < 0) {
			throw new EOFException("Closed before the welcome");
		}
		return b;
	}

	private static void writeText(OutputStream out, String text) throws IOException {
		writeFrame(out, 0x1, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Write one masked frame (clients must mask), payloads under 126 bytes.
	 */
	private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
		if (payload.length >= 126) {
			throw new IOException("Frame too long for this client: " + payload.length);
		}
		byte[] mask = new byte[4];
		new SecureRandom().nextBytes(mask);
		byte[] frame = new byte[2 + 4 + payload.length];
		frame[0] = (byte) (0x80 | opcode);
		frame[1] = (byte) (0x80 | payload.length);
		System.arraycopy(mask, 0, frame, 2, 4);
		for (int i = 0; i < payload.length; i++) {
			frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
		}
		out.write(frame);
		out.flush();
	}

}
