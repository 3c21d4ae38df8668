package io.socketbox.spring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on {@code 127.0.0.1} that a test can cut or silence, to inject faults into
 * the link between two nodes. Every accepted connection is forwarded to the target port
 * on {@code 127.0.0.1} by two threads, one per direction.
 * <ul>
 * <li>{@link #cut()} closes every current connection and closes new ones as soon as they
 * are accepted, like a network that resets connections;</li>
 * <li>{@link #reset()} does the same with a TCP reset (RST) instead of an orderly close
 * (FIN), so that both ends learn at once that the path is gone;</li>
 * <li>{@link #blackhole()} keeps connections open but forwards nothing, in either
 * direction, not even a close, like a paused peer or a network that drops packets; new
 * connections are accepted and silenced too;</li>
 * <li>{@link #restore()} forwards again, including what was held back.</li>
 * </ul>
 * The target may be set after the proxy has started, since a node's port is known only
 * once it runs; until then connections are closed at once.
 */
public final class TcpProxy implements AutoCloseable {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final ServerSocket server;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final Object modeLock = new Object();

	private Mode mode = Mode.FORWARD;

	private volatile int targetPort = -1;

	private volatile boolean closed;

	/**
	 * Start a proxy on a free port without a target yet.
	 */
	public TcpProxy() {
		try {
			this.server = new ServerSocket(0, 50, LOOPBACK);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + getPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Return the port that the proxy listens on.
	 * @return the port
	 */
	public int getPort() {
		return this.server.getLocalPort();
	}

	/**
	 * Set the port that connections are forwarded to.
	 * @param port a port on {@code 127.0.0.1}
	 */
	public void setTarget(int port) {
		this.targetPort = port;
	}

	/**
	 * Close every current connection and every new one until {@link #restore()}.
	 */
	public void cut() {
		setMode(Mode.CUT);
		this.connections.forEach(Connection::close);
	}

	/**
	 * Reset every current connection and every new one until {@link #restore()}: like
	 * {@link #cut()}, with RST instead of FIN.
	 */
	public void reset() {
		setMode(Mode.RESET);
		this.connections.forEach(Connection::reset);
	}

	/**
	 * Stop forwarding bytes in both directions, keeping connections open.
	 */
	public void blackhole() {
		setMode(Mode.BLACKHOLE);
	}

	/**
	 * Forward again.
	 */
	public void restore() {
		setMode(Mode.FORWARD);
	}

	private void setMode(Mode mode) {
		synchronized (this.modeLock) {
			this.mode = mode;
			this.modeLock.notifyAll();
		}
	}

	private Mode mode() {
		synchronized (this.modeLock) {
			return this.mode;
		}
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			int port = this.targetPort;
			Mode mode = mode();
			if (mode == Mode.RESET) {
				resetQuietly(client);
				continue;
			}
			if (mode == Mode.CUT || port < 0) {
				closeQuietly(client);
				continue;
			}
			try {
				Socket upstream = new Socket();
				upstream.connect(new InetSocketAddress(LOOPBACK, port), 2000);
				Connection connection = new Connection(client, upstream);
				this.connections.add(connection);
				connection.start();
			}
			catch (IOException ex) {
				closeQuietly(client);
			}
		}
	}

	/**
	 * Wait while bytes must not be forwarded.
	 * @return whether the connection may forward; {@code false} once it was cut
	 */
	private boolean awaitForwarding(Connection connection) {
		synchronized (this.modeLock) {
			while (this.mode == Mode.BLACKHOLE && !connection.closed) {
				try {
					this.modeLock.wait(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return this.mode == Mode.FORWARD && !connection.closed;
		}
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.server);
		this.connections.forEach(Connection::close);
		setMode(Mode.FORWARD);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Closing anyway
		}
	}

	private static void resetQuietly(Socket socket) {
		try {
			// Closing with a zero linger time sends RST instead of FIN
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// Already closed
		}
		closeQuietly(socket);
	}

	private enum Mode {

		FORWARD, CUT, RESET, BLACKHOLE

	}

	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		private volatile boolean closed;

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			pump(this.client, this.upstream, "up");
			pump(this.upstream, this.client, "down");
		}

		private void pump(Socket from, Socket to, String direction) {
			Thread thread = new Thread(() -> {
				byte[] buffer = new byte[16 * 1024];
				try {
					InputStream in = from.getInputStream();
					OutputStream out = to.getOutputStream();
					while (true) {
						int read = in.read(buffer);
						// Held back while silenced: neither bytes nor the end of the stream pass
						if (!awaitForwarding(this) || read < 0) {
							break;
						}
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				catch (IOException ex) {
					// One side closed: close the other
				}
				finally {
					close();
				}
			}, "tcp-proxy-" + getPort() + "-" + direction);
			thread.setDaemon(true);
			thread.start();
		}

		void reset() {
			this.closed = true;
			TcpProxy.this.connections.remove(this);
			resetQuietly(this.client);
			resetQuietly(this.upstream);
		}

		void close() {
			this.closed = true;
			TcpProxy.this.connections.remove(this);
			closeQuietly(this.client);
			closeQuietly(this.upstream);
		}

	}

}
