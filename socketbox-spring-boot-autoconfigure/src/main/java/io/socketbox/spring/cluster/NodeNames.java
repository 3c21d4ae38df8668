package io.socketbox.spring.cluster;

/**
 * Builds node names from a host, a port and the cluster endpoint path.
 */
final class NodeNames {

	private NodeNames() {
	}

	/**
	 * Return {@code ws://host:port/path}, with an IPv6 literal in brackets.
	 * @param host a host name or IP literal
	 * @param port the port
	 * @param clusterPath the path of the cluster endpoint
	 * @return the node name
	 */
	static String ws(String host, int port, String clusterPath) {
		String path = clusterPath.startsWith("/") ? clusterPath : "/" + clusterPath;
		return "ws://" + bracketed(host) + ":" + port + path;
	}

	private static String bracketed(String host) {
		return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

}
