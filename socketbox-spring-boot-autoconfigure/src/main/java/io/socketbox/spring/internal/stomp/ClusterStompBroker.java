package io.socketbox.spring.internal.stomp;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.cluster.StompPeerLinks;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.broker.DefaultSubscriptionRegistry;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.broker.SubscriptionRegistry;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;
import org.springframework.util.AntPathMatcher;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MimeType;
import org.springframework.util.PathMatcher;

/**
 * Spring's {@link SimpleBrokerMessageHandler}, clustered: each message the broker
 * distributes is forwarded once to every peer that holds a matching subscription, over
 * the numbered peer channels; what peers forward is handed to this node's broker as a
 * broker message, marked so that it is never forwarded again, and the broker picks its
 * local subscribers (selectors included) as for any other message. The broker's
 * subscriptions are replicated to the peers through a {@link ClusterSubscriptionRegistry}
 * that decorates its own.
 */
public final class ClusterStompBroker implements StompPeerLinks.Listener {

	/**
	 * The message header that marks a message a peer forwarded, with the peer's id as
	 * value; not a STOMP (native) header, so clients never see it.
	 */
	public static final String PEER_HEADER = "socketboxPeer";

	private static final Log logger = LogFactory.getLog(ClusterStompBroker.class);

	private final SimpleBrokerMessageHandler broker;

	private final StompPeerLinks links;

	private final StompPeerCodec codec = new StompPeerCodec();

	private final LocalInterest localInterest;

	private final RemoteInterest remoteInterest;

	private final Collection<String> prefixes;

	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

	private final AtomicLong forwarded = new AtomicLong();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong unforwardable = new AtomicLong();

	private ClusterStompBroker(SimpleBrokerMessageHandler broker, StompPeerLinks links) {
		this.broker = broker;
		this.links = links;
		this.prefixes = List.copyOf(broker.getDestinationPrefixes());
		this.localInterest = new LocalInterest(links, this.codec, links.maxInterestPayloadSize());
		this.remoteInterest = new RemoteInterest(pathMatcher(broker.getSubscriptionRegistry()),
				this::isWithinPrefixes);
	}

	/**
	 * Cluster a simple broker: decorate its subscription registry and bind to the peer
	 * links. Call before the broker and the links start.
	 * @param broker the application's simple broker
	 * @param links the STOMP links of this node
	 * @return the clustered broker
	 */
	public static ClusterStompBroker install(SimpleBrokerMessageHandler broker, StompPeerLinks links) {
		ClusterStompBroker clustered = new ClusterStompBroker(broker, links);
		broker.setSubscriptionRegistry(new ClusterSubscriptionRegistry(broker.getSubscriptionRegistry(), clustered));
		links.bind(clustered);
		return clustered;
	}

	/**
	 * Return the clustered broker that a simple broker was installed with.
	 * @param broker the simple broker
	 * @return the clustered broker, or {@code null} if the broker is not clustered
	 */
	public static @Nullable ClusterStompBroker of(SimpleBrokerMessageHandler broker) {
		return (broker.getSubscriptionRegistry() instanceof ClusterSubscriptionRegistry registry) ? registry.broker()
				: null;
	}

	private static PathMatcher pathMatcher(SubscriptionRegistry registry) {
		return (registry instanceof DefaultSubscriptionRegistry defaultRegistry) ? defaultRegistry.getPathMatcher()
				: new AntPathMatcher();
	}

	/**
	 * Whether a message was forwarded by a peer.
	 * @param message the message
	 * @return whether it carries the {@link #PEER_HEADER}
	 */
	public static boolean isFromPeer(Message<?> message) {
		return message.getHeaders().containsKey(PEER_HEADER);
	}

	LocalInterest localInterest() {
		return this.localInterest;
	}

	/**
	 * Return how many messages this node forwarded to peers, one per message whatever the
	 * number of peers.
	 * @return the count since start
	 */
	public long getForwardedMessages() {
		return this.forwarded.get();
	}

	/**
	 * Return how many messages peers forwarded to this node.
	 * @return the count since start
	 */
	public long getReceivedMessages() {
		return this.received.get();
	}

	/**
	 * Return how many messages that peers subscribe to were not forwarded, their payload
	 * not being bytes (a STOMP session takes only bytes, so no subscriber could have
	 * received them).
	 * @return the count since start
	 */
	public long getUnforwardableMessages() {
		return this.unforwardable.get();
	}

	/**
	 * Return how many subscriptions this node's clients hold.
	 * @return the number of subscriptions
	 */
	public int getLocalSubscriptionCount() {
		return this.localInterest.subscriptionCount();
	}

	/**
	 * Return how many distinct destinations (plain or patterns) this node's clients
	 * subscribe to, as announced to the peers.
	 * @return the number of destinations
	 */
	public int getLocalDestinationCount() {
		return this.localInterest.size();
	}

	/**
	 * Return the destinations a peer's clients subscribe to, as this node knows them.
	 * @param peerId the peer
	 * @return the destinations and patterns
	 */
	public Collection<String> getPeerSubscriptions(String peerId) {
		return this.remoteInterest.destinationsOf(peerId);
	}

	/**
	 * Forward a message the local broker distributes to the peers that subscribe to its
	 * destination.
	 */
	void forward(Message<?> message) {
		sweepNowAndThen();
		MessageHeaders headers = message.getHeaders();
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		if (destination == null) {
			return;
		}
		List<String> peers = this.remoteInterest.peersFor(destination);
		if (peers.isEmpty()) {
			return;
		}
		if (!(message.getPayload() instanceof byte[] body)) {
			this.unforwardable.incrementAndGet();
			if (logger.isDebugEnabled()) {
				logger.debug("Not forwarding a message to " + destination + ": its payload is not bytes");
			}
			return;
		}
		Object contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		String payload = this.codec.write(new StompPeerCodec.PeerMessage(nativeHeaders(headers),
				(contentType != null) ? contentType.toString() : null, body));
		this.links.forward(peers, destination, payload);
		this.forwarded.incrementAndGet();
	}

	/**
	 * Forget, at most once per {@link #SWEEP_INTERVAL_NANOS}, the subscriptions of peers
	 * this node has no channel for any more; done here, on a thread that publishes, since
	 * only publishing reads them.
	 */
	private void sweepNowAndThen() {
		long now = System.nanoTime();
		long last = this.lastSweep.get();
		if (now - last > SWEEP_INTERVAL_NANOS && this.lastSweep.compareAndSet(last, now)) {
			this.remoteInterest.sweep(this.links::isKnown, SWEEP_INTERVAL_NANOS);
		}
	}

	@SuppressWarnings("unchecked")
	private static @Nullable Map<String, List<String>> nativeHeaders(MessageHeaders headers) {
		Object nativeHeaders = headers.get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
		return (nativeHeaders instanceof Map<?, ?> map && !map.isEmpty()) ? (Map<String, List<String>>) map : null;
	}

	@Override
	public void linkUp(String peerId) {
		this.localInterest.sendSnapshot(peerId);
	}

	@Override
	public void left(String peerId) {
		this.remoteInterest.forget(peerId);
	}

	@Override
	public @Nullable String receiveInterest(String peerId, @Nullable String payload) {
		if (payload == null) {
			return "Subscription frame without a payload";
		}
		StompPeerCodec.InterestFrame frame;
		try {
			frame = this.codec.readInterest(payload);
		}
		catch (IllegalArgumentException ex) {
			return "Unreadable subscription frame: " + RemoteInterest.abbreviate(ex.getMessage());
		}
		return this.remoteInterest.apply(peerId, frame);
	}

	@Override
	public @Nullable String receiveMessage(String peerId, @Nullable String destination, @Nullable String payload) {
		if (destination == null || payload == null) {
			return "STOMP frame without a destination or a payload";
		}
		if (!isWithinPrefixes(destination)) {
			return "STOMP message outside the broker's destination prefixes: " + RemoteInterest.abbreviate(destination);
		}
		StompPeerCodec.PeerMessage peerMessage;
		MimeType contentType;
		try {
			peerMessage = this.codec.readMessage(payload);
			contentType = (peerMessage.c() != null) ? MimeType.valueOf(peerMessage.c()) : null;
		}
		catch (IllegalArgumentException ex) {
			return "Unreadable STOMP frame: " + RemoteInterest.abbreviate(ex.getMessage());
		}
		if (peerMessage.b() == null) {
			return "STOMP message without a body";
		}
		SimpMessageHeaderAccessor accessor = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		if (peerMessage.h() != null) {
			LinkedMultiValueMap<String, String> nativeHeaders = new LinkedMultiValueMap<>();
			for (Map.Entry<String, List<String>> header : peerMessage.h().entrySet()) {
				if (header.getKey() == null || header.getValue() == null || header.getValue().contains(null)) {
					return "STOMP message with a null header";
				}
				nativeHeaders.put(header.getKey(), List.copyOf(header.getValue()));
			}
			accessor.addNativeHeaders(nativeHeaders);
		}
		accessor.setDestination(destination);
		if (contentType != null) {
			accessor.setContentType(contentType);
		}
		accessor.setHeader(PEER_HEADER, peerId);
		this.received.incrementAndGet();
		this.broker.handleMessage(MessageBuilder.createMessage(peerMessage.b(), accessor.getMessageHeaders()));
		return null;
	}

	/**
	 * Whether a destination is one the broker handles, as its own prefix check decides.
	 */
	private boolean isWithinPrefixes(String destination) {
		if (this.prefixes.isEmpty()) {
			return true;
		}
		for (String prefix : this.prefixes) {
			if (destination.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
