package io.socketbox.spring.internal.stomp;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.broker.SubscriptionRegistry;
import org.springframework.util.MultiValueMap;

/**
 * Decorates the simple broker's own {@link SubscriptionRegistry}: it keeps matching the
 * local subscriptions (patterns, selectors, its cache), and besides tells the
 * {@link ClusterStompBroker} which destinations this node's clients subscribe to and
 * hands it each message the broker distributes, so that the peers that subscribe get it
 * too. The broker calls it only for what passed the client inbound channel's
 * interceptors and its own destination prefix check.
 */
final class ClusterSubscriptionRegistry implements SubscriptionRegistry {

	private final SubscriptionRegistry delegate;

	private final ClusterStompBroker broker;

	ClusterSubscriptionRegistry(SubscriptionRegistry delegate, ClusterStompBroker broker) {
		this.delegate = delegate;
		this.broker = broker;
	}

	ClusterStompBroker broker() {
		return this.broker;
	}

	SubscriptionRegistry getDelegate() {
		return this.delegate;
	}

	@Override
	public void registerSubscription(Message<?> subscribeMessage) {
		this.delegate.registerSubscription(subscribeMessage);
		MessageHeaders headers = subscribeMessage.getHeaders();
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		if (SimpMessageType.SUBSCRIBE.equals(SimpMessageHeaderAccessor.getMessageType(headers)) && sessionId != null
				&& subscriptionId != null && destination != null) {
			this.broker.localInterest().subscribed(sessionId, subscriptionId, destination);
		}
	}

	@Override
	public void unregisterSubscription(Message<?> unsubscribeMessage) {
		this.delegate.unregisterSubscription(unsubscribeMessage);
		MessageHeaders headers = unsubscribeMessage.getHeaders();
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
		if (sessionId != null && subscriptionId != null) {
			this.broker.localInterest().unsubscribed(sessionId, subscriptionId);
		}
	}

	@Override
	public void unregisterAllSubscriptions(String sessionId) {
		this.delegate.unregisterAllSubscriptions(sessionId);
		this.broker.localInterest().disconnected(sessionId);
	}

	/**
	 * Find the local subscriptions for a message the broker is about to distribute and,
	 * unless it came from a peer, forward it to the peers that subscribe to its
	 * destination: the one point the broker passes for every message it distributes, in
	 * the order it distributes them.
	 */
	@Override
	public MultiValueMap<String, String> findSubscriptions(Message<?> message) {
		MultiValueMap<String, String> subscriptions = this.delegate.findSubscriptions(message);
		if (!ClusterStompBroker.isFromPeer(message)) {
			this.broker.forward(message);
		}
		return subscriptions;
	}

	@Override
	public String toString() {
		return "ClusterSubscriptionRegistry[" + this.delegate + "]";
	}

}
