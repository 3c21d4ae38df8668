package io.socketbox.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on {@code 127.0.0.1} that forwards every connection to a target port and
 * can cut the link: {@link #cut()} resets every forwarded connection and refuses new ones
 * (accepted, then reset at once) until {@link #restore()}, as when a network path
 * between two nodes fails and comes back.
 */
final class TcpProxy implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	private TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
		daemon("proxy-accept-" + port(), this::acceptLoop).start();
	}

	static TcpProxy start(int targetPort) throws IOException {
		return new TcpProxy(targetPort);
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Reset every connection and refuse new ones until {@link #restore()}.
	 */
	void cut() {
		this.cut = true;
		for (Socket socket : this.sockets) {
			reset(socket);
		}
	}

	void restore() {
		this.cut = false;
	}

	private void acceptLoop() {
		while (!this.server.isClosed()) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.cut) {
				reset(client);
				continue;
			}
			try {
				Socket target = new Socket(HOST, this.targetPort);
				client.setTcpNoDelay(true);
				target.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(target);
				daemon("proxy-" + port() + "-up", () -> pump(client, target)).start();
				daemon("proxy-" + port() + "-down", () -> pump(target, client)).start();
			}
			catch (IOException ex) {
				reset(client);
			}
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16384];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
			}
			// An orderly close passes through as one: FIN on, then both closed once both ended
			synchronized (this.sockets) {
				to.shutdownOutput();
				if (from.isOutputShutdown()) {
					close(from);
					close(to);
				}
			}
		}
		catch (IOException ex) {
			// Reset by cut() or by either end: the other direction goes too
			reset(from);
			reset(to);
		}
	}

	private void close(Socket socket) throws IOException {
		this.sockets.remove(socket);
		socket.close();
	}

	private void reset(Socket socket) {
		this.sockets.remove(socket);
		try {
			// RST instead of FIN: both ends learn at once that the path is gone
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// Already closed
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Already closed
		}
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		cut();
	}

}
