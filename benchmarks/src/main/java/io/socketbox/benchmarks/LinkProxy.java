package io.socketbox.benchmarks;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one node's cluster endpoint that counts the bytes
 * passing through it, both ways. A node whose {@code socketbox.cluster.name} points at
 * the proxy is dialed through it by every peer, so the proxies of a cluster see every
 * byte of its peer links. Two threads per connection, {@code TCP_NODELAY} on both sides.
 */
final class LinkProxy implements Closeable {

	private final ServerSocket server;

	private final AtomicLong bytes = new AtomicLong();

	private final List<Long> acceptedAt = new ArrayList<>();

	private final List<Socket> sockets = new ArrayList<>();

	private volatile int targetPort;

	private volatile boolean closed;

	LinkProxy() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "link-proxy-" + this.server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Return the port the proxy listens on.
	 */
	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Forward the connections accepted from now on to the given port on 127.0.0.1.
	 * Connections accepted before this is called are closed.
	 */
	void forwardTo(int port) {
		this.targetPort = port;
	}

	/**
	 * Return the bytes forwarded so far, both directions together.
	 */
	long bytes() {
		return this.bytes.get();
	}

	/**
	 * Return how many connections the proxy has accepted.
	 */
	synchronized int connections() {
		return this.acceptedAt.size();
	}

	/**
	 * Return the {@link System#nanoTime()} of the first connection accepted at or after
	 * the given time, or {@code -1} when there was none.
	 */
	synchronized long firstAcceptedSince(long nanoTime) {
		for (long accepted : this.acceptedAt) {
			if (accepted - nanoTime >= 0) {
				return accepted;
			}
		}
		return -1;
	}

	private void accept() {
		while (!this.closed) {
			Socket in;
			try {
				in = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			long now = System.nanoTime();
			synchronized (this) {
				this.acceptedAt.add(now);
			}
			int port = this.targetPort;
			try {
				if (port == 0) {
					throw new IOException("Nowhere to forward to yet");
				}
				Socket out = new Socket(InetAddress.getLoopbackAddress(), port);
				in.setTcpNoDelay(true);
				out.setTcpNoDelay(true);
				synchronized (this) {
					this.sockets.add(in);
					this.sockets.add(out);
				}
				pump(in, out);
				pump(out, in);
			}
			catch (IOException ex) {
				closeQuietly(in);
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[64 * 1024];
			try {
				InputStream input = from.getInputStream();
				OutputStream output = to.getOutputStream();
				for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
					// Counted before the write, so that a peer that has read n bytes sees them counted
					this.bytes.addAndGet(n);
					output.write(buffer, 0, n);
				}
				to.shutdownOutput();
			}
			catch (IOException ex) {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "link-proxy-" + port() + "-" + from.getPort());
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.server);
		synchronized (this) {
			this.sockets.forEach(LinkProxy::closeQuietly);
			this.sockets.clear();
		}
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

}
