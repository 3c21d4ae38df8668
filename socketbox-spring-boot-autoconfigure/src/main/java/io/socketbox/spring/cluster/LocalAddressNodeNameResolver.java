package io.socketbox.spring.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * {@link NodeNameResolver} that builds the node name from an address of this machine:
 * the first site-local IPv4 address of a network interface that is up and not a
 * loopback, taking interfaces by index, else the address of
 * {@link InetAddress#getLocalHost()}. Alternatively, a fixed host, such as
 * {@code 127.0.0.1} for several nodes on a single machine.
 */
public final class LocalAddressNodeNameResolver implements NodeNameResolver {

	private final @Nullable String host;

	/**
	 * Create a resolver that detects the address of this machine.
	 */
	public LocalAddressNodeNameResolver() {
		this.host = null;
	}

	/**
	 * Create a resolver that always uses the given host.
	 * @param host a host name or IP literal, for example {@code 127.0.0.1}
	 */
	public LocalAddressNodeNameResolver(String host) {
		Assert.hasText(host, "'host' must not be empty");
		this.host = host.strip();
	}

	/**
	 * Return {@code ws://<host>:<port><path>}.
	 * @throws NodeNameResolutionException when no address of this machine can be found
	 */
	@Override
	public String resolve(int serverPort, String clusterPath) {
		String host = (this.host != null) ? this.host : detectHost();
		return NodeNames.ws(host, serverPort, clusterPath);
	}

	private static String detectHost() {
		InetAddress address = firstSiteLocalIpv4(interfaceAddresses());
		if (address != null) {
			return address.getHostAddress();
		}
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			throw new NodeNameResolutionException("Could not find an address of this machine for the node name; "
					+ "declare a NodeNameResolver bean that gives the ws:// URL at which other nodes reach this one", ex);
		}
	}

	/**
	 * Return the first site-local IPv4 address among the given ones.
	 * @param addresses the candidate addresses, in order of preference
	 * @return the address, or {@code null} when there is none
	 */
	static @Nullable InetAddress firstSiteLocalIpv4(List<InetAddress> addresses) {
		for (InetAddress address : addresses) {
			if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
				return address;
			}
		}
		return null;
	}

	private static List<InetAddress> interfaceAddresses() {
		List<InetAddress> addresses = new ArrayList<>();
		try {
			List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
			// The OS lists interfaces in no set order; the lowest index is usually the
			// primary one (eth0 before docker0), as Spring Cloud's InetUtils assumes too
			interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
			for (NetworkInterface networkInterface : interfaces) {
				if (networkInterface.isUp() && !networkInterface.isLoopback()) {
					addresses.addAll(Collections.list(networkInterface.getInetAddresses()));
				}
			}
		}
		catch (SocketException ex) {
			// Fall back to InetAddress.getLocalHost()
		}
		return addresses;
	}

	@Override
	public String toString() {
		return (this.host != null) ? "the host " + this.host : "the first site-local address";
	}

}
