package io.socketbox.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for SocketBox.
 */
@ConfigurationProperties("socketbox")
public class SocketBoxProperties {

	/**
	 * Path at which browsers connect.
	 */
	private String path = "/ws";

	/**
	 * Origin patterns that browsers may connect from. When empty, only the same origin
	 * is allowed.
	 */
	private List<String> allowedOriginPatterns = new ArrayList<>();

	/**
	 * Whether to log every connection and cluster event at INFO level.
	 */
	private boolean debugMode;

	/**
	 * Longest time a send to a client may take before the client is disconnected.
	 */
	private Duration sendTimeLimit = Duration.ofSeconds(10);

	/**
	 * Whether to ping a client while data flows to it and disconnect it when it has not
	 * answered within the send time limit, so that a client that stops reading is
	 * disconnected within that time even while the socket's send buffer still takes data.
	 */
	private boolean readLiveness = true;

	/**
	 * Most data that may wait to be sent to a client before the client is disconnected.
	 */
	private DataSize sendBufferSizeLimit = DataSize.ofKilobytes(512);

	/**
	 * Largest text message accepted from a client; a larger one closes that client.
	 */
	private DataSize maxTextMessageSize = DataSize.ofKilobytes(64);

	/**
	 * Most open browser connections on this node; more are refused with 503. When unset,
	 * only the server's own connection limit applies.
	 */
	private @Nullable Integer maxConnections;

	private final Cluster cluster = new Cluster();

	private final Cache cache = new Cache();

	private final Directory directory = new Directory();

	private final Stomp stomp = new Stomp();

	private final Container container = new Container();

	private final Session session = new Session();

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public List<String> getAllowedOriginPatterns() {
		return this.allowedOriginPatterns;
	}

	public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
		this.allowedOriginPatterns = allowedOriginPatterns;
	}

	public boolean isDebugMode() {
		return this.debugMode;
	}

	public void setDebugMode(boolean debugMode) {
		this.debugMode = debugMode;
	}

	public Duration getSendTimeLimit() {
		return this.sendTimeLimit;
	}

	public void setSendTimeLimit(Duration sendTimeLimit) {
		this.sendTimeLimit = sendTimeLimit;
	}

	public boolean isReadLiveness() {
		return this.readLiveness;
	}

	public void setReadLiveness(boolean readLiveness) {
		this.readLiveness = readLiveness;
	}

	public DataSize getSendBufferSizeLimit() {
		return this.sendBufferSizeLimit;
	}

	public void setSendBufferSizeLimit(DataSize sendBufferSizeLimit) {
		this.sendBufferSizeLimit = sendBufferSizeLimit;
	}

	public DataSize getMaxTextMessageSize() {
		return this.maxTextMessageSize;
	}

	public void setMaxTextMessageSize(DataSize maxTextMessageSize) {
		this.maxTextMessageSize = maxTextMessageSize;
	}

	public @Nullable Integer getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(@Nullable Integer maxConnections) {
		this.maxConnections = maxConnections;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Directory getDirectory() {
		return this.directory;
	}

	public Stomp getStomp() {
		return this.stomp;
	}

	public Session getSession() {
		return this.session;
	}

	public Container getContainer() {
		return this.container;
	}

	/**
	 * Spring's simple STOMP broker in cluster mode.
	 */
	public static class Stomp {

		/**
		 * Whether the application's simple broker (@EnableWebSocketMessageBroker) shares
		 * its subscriptions and messages with the other nodes in cluster mode.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Sessions that outlive connections, for clients that offer the {@code socketbox.v1}
	 * subprotocol (SocketBox's {@code client.js}).
	 */
	public static class Session {

		/**
		 * How long a session lasts between connections: a client that reconnects within
		 * it resumes with nothing lost.
		 */
		private Duration resumeWindow = Duration.ofMinutes(2);

		/**
		 * Most messages to one session kept for replay after a reconnect.
		 */
		private int bufferSize = 100;

		/**
		 * Most bytes (UTF-8) of messages to one session kept for replay after a
		 * reconnect.
		 */
		private DataSize bufferBytes = DataSize.ofKilobytes(64);

		/**
		 * Most broadcasts of one origin node kept for replay after a reconnect.
		 */
		private int historySize = 1000;

		/**
		 * Most bytes (UTF-8) of broadcasts of one origin node kept for replay after a
		 * reconnect.
		 */
		private DataSize historyBytes = DataSize.ofMegabytes(1);

		/**
		 * How long a session client may take to send its first frame.
		 */
		private Duration helloTimeout = Duration.ofSeconds(10);

		public Duration getResumeWindow() {
			return this.resumeWindow;
		}

		public void setResumeWindow(Duration resumeWindow) {
			this.resumeWindow = resumeWindow;
		}

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

		public DataSize getBufferBytes() {
			return this.bufferBytes;
		}

		public void setBufferBytes(DataSize bufferBytes) {
			this.bufferBytes = bufferBytes;
		}

		public int getHistorySize() {
			return this.historySize;
		}

		public void setHistorySize(int historySize) {
			this.historySize = historySize;
		}

		public DataSize getHistoryBytes() {
			return this.historyBytes;
		}

		public void setHistoryBytes(DataSize historyBytes) {
			this.historyBytes = historyBytes;
		}

		public Duration getHelloTimeout() {
			return this.helloTimeout;
		}

		public void setHelloTimeout(Duration helloTimeout) {
			this.helloTimeout = helloTimeout;
		}

	}

	/**
	 * The directory of every connection in the cluster.
	 */
	public static class Directory {

		/**
		 * Largest size of the attributes one connection publishes in the directory, keys
		 * and values in UTF-8; larger ones are refused when published.
		 */
		private DataSize maxAttributesSize = DataSize.ofKilobytes(1);

		public DataSize getMaxAttributesSize() {
			return this.maxAttributesSize;
		}

		public void setMaxAttributesSize(DataSize maxAttributesSize) {
			this.maxAttributesSize = maxAttributesSize;
		}

	}

	/**
	 * Cluster mode.
	 */
	public static class Cluster {

		/**
		 * Whether this node joins a cluster.
		 */
		private boolean enabled;

		/**
		 * Whether to join the cluster when the application starts. When false, the
		 * application starts the 'socketBoxClusterNode' lifecycle bean itself.
		 */
		private boolean autoStartup = true;

		/**
		 * Secret that all nodes of the cluster share, at least 32 characters. It never
		 * crosses the wire. Required in cluster mode.
		 */
		private @Nullable String secretKey;

		/**
		 * Other secrets accepted when a peer proves itself, never used to prove this node,
		 * each at least as long as the secret; for a rolling change of the secret.
		 */
		private List<String> previousSecretKeys = new ArrayList<>();

		/**
		 * TLS of the links this node dials; the cluster endpoint itself is served with the
		 * application's 'server.ssl'.
		 */
		private final Ssl ssl = new Ssl();

		/**
		 * URL at which every other node reaches this one, for example
		 * 'ws://10.0.0.7:8080/socketbox/cluster'. When unset, the name resolver computes
		 * it.
		 */
		private @Nullable String name;

		/**
		 * Host or address at which other nodes reach this one, combined with the server
		 * port and the cluster path when 'name' is not set. Takes precedence over the
		 * name resolver. When unset, the name resolver tells the node name.
		 */
		private @Nullable String host;

		/**
		 * How to compute the node name when neither 'name' nor 'host' is set.
		 */
		private NameResolver nameResolver = NameResolver.AUTO;

		/**
		 * Environment variable that holds the node name, for the 'environment' resolver.
		 */
		private String nameVariable = "SOCKETBOX_NODE_NAME";

		/**
		 * Environment variable that holds the pod IP, for the 'kubernetes' resolver.
		 */
		private String podIpVariable = "POD_IP";

		/**
		 * Path of the endpoint that other nodes dial; never the browsers' path.
		 */
		private String path = "/socketbox/cluster";

		/**
		 * Prefix of every cache key, so that several clusters can share one cache.
		 */
		private String cachePrefix = "";

		/**
		 * How often a node refreshes its registration and looks for new members.
		 */
		private Duration refreshInterval = Duration.ofSeconds(2);

		/**
		 * How long a registration may stay unrefreshed before the member expires.
		 */
		private Duration memberTimeout = Duration.ofSeconds(10);

		/**
		 * How long the manager's lease in the cache lasts without renewal. When unset,
		 * member-timeout less two refresh intervals, and at least three refresh intervals.
		 */
		private @Nullable Duration managerLeaseDuration;

		/**
		 * How long a peer has to complete the authentication handshake.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(5);

		/**
		 * Most connections to the cluster path that may be waiting for the peer handshake;
		 * more are refused with 503 until some complete or time out.
		 */
		private int maxPendingHandshakes = 64;

		/**
		 * How long to wait for the node that holds a connection to confirm a direct
		 * send.
		 */
		private Duration replyTimeout = Duration.ofSeconds(5);

		/**
		 * How often each peer link carries a heartbeat.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(1);

		/**
		 * How long a peer link may stay silent before it is closed, and a peer without a link
		 * before sends to its connections fail.
		 */
		private Duration heartbeatTimeout = Duration.ofSeconds(3);

		/**
		 * How long messages for a peer wait for its link to come back before they are dropped
		 * and counted.
		 */
		private Duration resendWindow = Duration.ofSeconds(10);

		/**
		 * Most data that may wait for one peer while its link is down or slow.
		 */
		private DataSize resendBufferSize = DataSize.ofMegabytes(16);

		/**
		 * Delay before the first attempt to reconnect a lost peer link; it doubles, with
		 * jitter, on every failed attempt.
		 */
		private Duration reconnectInitialDelay = Duration.ofMillis(100);

		/**
		 * Longest delay between attempts to reconnect a lost peer link.
		 */
		private Duration reconnectMaxDelay = Duration.ofSeconds(5);

		/**
		 * Largest frame accepted on a peer link, and sent on one; the same on every node.
		 */
		private DataSize maxFrameSize = DataSize.ofMegabytes(1);

		/**
		 * Longest time a send to a peer may take before the link is cut.
		 */
		private Duration sendTimeLimit = Duration.ofSeconds(10);

		/**
		 * Most data that may wait to be sent to a peer before the link is cut.
		 */
		private DataSize sendBufferSizeLimit = DataSize.ofMegabytes(16);

		/**
		 * How long a cluster operation call waits for each node's result.
		 */
		private Duration rpcTimeout = Duration.ofSeconds(15);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public @Nullable String getSecretKey() {
			return this.secretKey;
		}

		public void setSecretKey(@Nullable String secretKey) {
			this.secretKey = secretKey;
		}

		public List<String> getPreviousSecretKeys() {
			return this.previousSecretKeys;
		}

		public void setPreviousSecretKeys(List<String> previousSecretKeys) {
			this.previousSecretKeys = previousSecretKeys;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public NameResolver getNameResolver() {
			return this.nameResolver;
		}

		public void setNameResolver(NameResolver nameResolver) {
			this.nameResolver = nameResolver;
		}

		public String getNameVariable() {
			return this.nameVariable;
		}

		public void setNameVariable(String nameVariable) {
			this.nameVariable = nameVariable;
		}

		public String getPodIpVariable() {
			return this.podIpVariable;
		}

		public void setPodIpVariable(String podIpVariable) {
			this.podIpVariable = podIpVariable;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getCachePrefix() {
			return this.cachePrefix;
		}

		public void setCachePrefix(String cachePrefix) {
			this.cachePrefix = cachePrefix;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public Duration getMemberTimeout() {
			return this.memberTimeout;
		}

		public void setMemberTimeout(Duration memberTimeout) {
			this.memberTimeout = memberTimeout;
		}

		public @Nullable Duration getManagerLeaseDuration() {
			return this.managerLeaseDuration;
		}

		public void setManagerLeaseDuration(@Nullable Duration managerLeaseDuration) {
			this.managerLeaseDuration = managerLeaseDuration;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		public int getMaxPendingHandshakes() {
			return this.maxPendingHandshakes;
		}

		public void setMaxPendingHandshakes(int maxPendingHandshakes) {
			this.maxPendingHandshakes = maxPendingHandshakes;
		}

		public Duration getReplyTimeout() {
			return this.replyTimeout;
		}

		public void setReplyTimeout(Duration replyTimeout) {
			this.replyTimeout = replyTimeout;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getHeartbeatTimeout() {
			return this.heartbeatTimeout;
		}

		public void setHeartbeatTimeout(Duration heartbeatTimeout) {
			this.heartbeatTimeout = heartbeatTimeout;
		}

		public Duration getResendWindow() {
			return this.resendWindow;
		}

		public void setResendWindow(Duration resendWindow) {
			this.resendWindow = resendWindow;
		}

		public DataSize getResendBufferSize() {
			return this.resendBufferSize;
		}

		public void setResendBufferSize(DataSize resendBufferSize) {
			this.resendBufferSize = resendBufferSize;
		}

		public Duration getReconnectInitialDelay() {
			return this.reconnectInitialDelay;
		}

		public void setReconnectInitialDelay(Duration reconnectInitialDelay) {
			this.reconnectInitialDelay = reconnectInitialDelay;
		}

		public Duration getReconnectMaxDelay() {
			return this.reconnectMaxDelay;
		}

		public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
			this.reconnectMaxDelay = reconnectMaxDelay;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

		public Duration getSendTimeLimit() {
			return this.sendTimeLimit;
		}

		public void setSendTimeLimit(Duration sendTimeLimit) {
			this.sendTimeLimit = sendTimeLimit;
		}

		public DataSize getSendBufferSizeLimit() {
			return this.sendBufferSizeLimit;
		}

		public void setSendBufferSizeLimit(DataSize sendBufferSizeLimit) {
			this.sendBufferSizeLimit = sendBufferSizeLimit;
		}

		public Duration getRpcTimeout() {
			return this.rpcTimeout;
		}

		public void setRpcTimeout(Duration rpcTimeout) {
			this.rpcTimeout = rpcTimeout;
		}

		/**
		 * TLS of the links a node dials.
		 */
		public static class Ssl {

			/**
			 * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material checks the
			 * certificates of the other nodes, and whose key, when it has one, is this
			 * node's client certificate for mutual TLS. When unset, links use the JVM's
			 * default trust store and no client certificate.
			 */
			private @Nullable String bundle;

			public @Nullable String getBundle() {
				return this.bundle;
			}

			public void setBundle(@Nullable String bundle) {
				this.bundle = bundle;
			}

		}

	}

	/**
	 * The shared cache that cluster nodes register in.
	 */
	public static class Cache {

		/**
		 * Type of cache. When unset, Redis if a RedisConnectionFactory is available,
		 * else a file-system directory; JDBC and Spring caches only when set.
		 */
		private @Nullable CacheType type;

		private final File file = new File();

		private final Jdbc jdbc = new Jdbc();

		private final Spring spring = new Spring();

		public @Nullable CacheType getType() {
			return this.type;
		}

		public void setType(@Nullable CacheType type) {
			this.type = type;
		}

		public File getFile() {
			return this.file;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		public Spring getSpring() {
			return this.spring;
		}

		/**
		 * The file-system cache.
		 */
		public static class File {

			/**
			 * Directory that every node on this machine shares. When unset,
			 * 'socketbox-cache' in the system's temporary directory (java.io.tmpdir).
			 */
			private Path directory = Path.of(System.getProperty("java.io.tmpdir"), "socketbox-cache");

			public Path getDirectory() {
				return this.directory;
			}

			public void setDirectory(Path directory) {
				this.directory = directory;
			}

		}

		/**
		 * The JDBC cache.
		 */
		public static class Jdbc {

			/**
			 * Name of the value table, optionally schema-qualified; sets use this name
			 * with "_member" appended.
			 */
			private String tableName = "socketbox_cache";

			/**
			 * Whether to create the tables on first use when they are missing.
			 */
			private boolean createTables = true;

			public String getTableName() {
				return this.tableName;
			}

			public void setTableName(String tableName) {
				this.tableName = tableName;
			}

			public boolean isCreateTables() {
				return this.createTables;
			}

			public void setCreateTables(boolean createTables) {
				this.createTables = createTables;
			}

		}

		/**
		 * The cache of the application's Spring CacheManager.
		 */
		public static class Spring {

			/**
			 * Name of the cache to take from the CacheManager.
			 */
			private String cacheName = "socketbox";

			public String getCacheName() {
				return this.cacheName;
			}

			public void setCacheName(String cacheName) {
				this.cacheName = cacheName;
			}

		}

	}

	/**
	 * How to compute the node name.
	 */
	public enum NameResolver {

		/**
		 * Kubernetes when its environment is detected, AWS ECS when its metadata
		 * endpoint is set, else the local address.
		 */
		AUTO,

		/**
		 * The name from an environment variable.
		 */
		ENVIRONMENT,

		/**
		 * The pod IP from the environment.
		 */
		KUBERNETES,

		/**
		 * The task's address from the ECS container metadata endpoint v4.
		 */
		ECS,

		/**
		 * The first site-local address of this machine.
		 */
		LOCAL_ADDRESS

	}

	/**
	 * Settings of the servlet container's WebSocket support, applied unless the
	 * application defines its own {@code ServletServerContainerFactoryBean}.
	 */
	public static class Container {

		/**
		 * Size of each WebSocket session's text and binary message buffers on Tomcat, which
		 * it allocates per connection. SocketBox joins longer client messages from parts; an
		 * endpoint of the application that takes whole messages gets at most this much per
		 * message unless it raises its sessions' limits.
		 */
		private DataSize messageBufferSize = DataSize.ofKilobytes(1);

		public DataSize getMessageBufferSize() {
			return this.messageBufferSize;
		}

		public void setMessageBufferSize(DataSize messageBufferSize) {
			this.messageBufferSize = messageBufferSize;
		}

	}

}
