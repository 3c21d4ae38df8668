package io.socketbox.spring.internal.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.socketbox.spring.ClusterMessageListener;

/**
 * Listeners of the test nodes, added to an application through
 * {@code spring.main.sources}: each keeps what it received on its own node, in order.
 */
class MessageListeners {

	/**
	 * A message that the listeners take.
	 *
	 * @param cache the cache to invalidate
	 * @param n a number, to check order and count
	 */
	record Invalidate(String cache, int n) {

	}

	/**
	 * A message whose listener throws for odd numbers.
	 *
	 * @param n a number
	 */
	record Flaky(int n) {

	}

	/**
	 * A message that no listener takes.
	 *
	 * @param text some text
	 */
	record Unheard(String text) {

	}

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final List<Integer> flaky = new CopyOnWriteArrayList<>();

	@ClusterMessageListener
	void onInvalidate(Invalidate message, String sender) {
		this.received.add(new Received(message, sender, Thread.currentThread().getName()));
	}

	@ClusterMessageListener
	void onFlaky(Flaky message) {
		this.flaky.add(message.n());
		if (message.n() % 2 == 1) {
			throw new IllegalStateException("Odd message " + message.n());
		}
	}

	List<Received> received() {
		return this.received;
	}

	/**
	 * The numbers of the {@link Invalidate} messages received from one sender, in order.
	 */
	List<Integer> numbersFrom(String sender) {
		return this.received.stream()
			.filter((received) -> received.sender().equals(sender))
			.map((received) -> received.message().n())
			.toList();
	}

	List<Integer> flaky() {
		return this.flaky;
	}

	/**
	 * One message as a listener received it.
	 *
	 * @param message the message
	 * @param sender the id of the node that published it
	 * @param thread the thread the listener ran on
	 */
	record Received(Invalidate message, String sender, String thread) {

	}

}
