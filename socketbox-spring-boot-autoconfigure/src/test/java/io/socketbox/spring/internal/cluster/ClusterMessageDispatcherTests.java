package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import io.socketbox.spring.ClusterMessageListener;
import io.socketbox.spring.ClusterMessageTooLargeException;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClusterMessageDispatcher} and {@link ClusterMessageCodec}: listeners
 * run off the calling thread, in order per sender, and a slow sender's line holds up no
 * other.
 */
class ClusterMessageDispatcherTests {

	private static final Duration AWAIT = Duration.ofSeconds(10);

	private final ClusterMessageCodec codec = new ClusterMessageCodec(JsonMapper.shared(), 1000);

	private final Listeners listeners = new Listeners();

	private final ClusterMessageDispatcher dispatcher = new ClusterMessageDispatcher(registry(this.listeners),
			this.codec, 2);

	@AfterEach
	void shutDown() {
		this.listeners.release.countDown();
		this.dispatcher.destroy();
	}

	@Test
	void deliversEachSendersMessagesInOrderOffTheCallingThread() {
		for (int n = 1; n <= 500; n++) {
			this.dispatcher.receive("node-a", Numbered.class.getName(), json(new Numbered("a", n)));
			this.dispatcher.receive("node-b", Numbered.class.getName(), json(new Numbered("b", n)));
		}
		await().atMost(AWAIT).until(() -> this.listeners.numbered.size() == 1000);
		assertThat(numbersFrom("a")).containsExactlyElementsOf(oneTo(500));
		assertThat(numbersFrom("b")).containsExactlyElementsOf(oneTo(500));
		assertThat(this.listeners.threads).allMatch((name) -> name.startsWith("socketbox-cluster-message-"));
		assertThat(this.dispatcher.getDelivered()).isEqualTo(1000);
		await().atMost(AWAIT).until(() -> this.dispatcher.busySenders() == 0);
	}

	@Test
	void aSlowListenerHoldsUpItsSenderOnly() throws Exception {
		this.dispatcher.receive("slow-node", Blocking.class.getName(), "{}");
		this.dispatcher.receive("slow-node", Numbered.class.getName(), json(new Numbered("slow", 1)));
		assertThat(this.listeners.blocked.await(10, TimeUnit.SECONDS)).isTrue();
		this.dispatcher.receive("fast-node", Numbered.class.getName(), json(new Numbered("fast", 1)));
		await().atMost(AWAIT).until(() -> numbersFrom("fast").equals(List.of(1)));
		assertThat(numbersFrom("slow")).isEmpty();
		this.listeners.release.countDown();
		await().atMost(AWAIT).until(() -> numbersFrom("slow").equals(List.of(1)));
	}

	@Test
	void skipsUnknownTypesUnreadableJsonAndFailingListenersAndGoesOn() {
		this.dispatcher.receive("node-a", "no.such.Type", "{}");
		this.dispatcher.receive("node-a", null, "{}");
		this.dispatcher.receive("node-a", Numbered.class.getName(), null);
		this.dispatcher.receive("node-a", Numbered.class.getName(), "{not json");
		this.dispatcher.receive("node-a", Numbered.class.getName(), "[1,2,3]");
		this.dispatcher.receive("node-a", Numbered.class.getName(), "null");
		this.dispatcher.receive("node-a", Failing.class.getName(), "{}");
		this.dispatcher.receive("node-a", Numbered.class.getName(), json(new Numbered("a", 1)));
		await().atMost(AWAIT).until(() -> numbersFrom("a").equals(List.of(1)));
		assertThat(this.dispatcher.getReceived()).isEqualTo(8);
		assertThat(this.dispatcher.getUnknownType()).isEqualTo(3);
		assertThat(this.dispatcher.getUnreadable()).isEqualTo(3);
		assertThat(this.dispatcher.getListenerFailures()).isEqualTo(1);
		assertThat(this.dispatcher.getDelivered()).isEqualTo(1);
	}

	@Test
	void theSenderIsPassedToListenersThatAskForIt() {
		this.dispatcher.receive("node-z", String.class.getName(), "\"hello\"");
		await().atMost(AWAIT).until(() -> this.listeners.texts.size() == 1);
		assertThat(this.listeners.texts).containsExactly("hello from node-z");
	}

	@Test
	void afterShutdownAMessageIsDroppedWithoutHoldingUpTheCaller() {
		this.dispatcher.receive("node-a", Numbered.class.getName(), json(new Numbered("a", 1)));
		await().atMost(AWAIT).until(() -> numbersFrom("a").equals(List.of(1)));
		this.dispatcher.destroy();
		this.dispatcher.receive("node-a", Numbered.class.getName(), json(new Numbered("a", 2)));
		this.dispatcher.receive("node-b", Numbered.class.getName(), json(new Numbered("b", 1)));
		assertThat(this.dispatcher.getReceived()).isEqualTo(3);
		// Nothing runs later either: the pool is gone
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.listeners.numbered.size() == 1);
	}

	@Test
	void theCodecWritesTheClassNameAndRefusesWhatDoesNotFit() {
		assertThat(this.codec.write(new Numbered("a", 1)))
			.isEqualTo(new ClusterMessageCodec.Encoded(Numbered.class.getName(), "{\"sender\":\"a\",\"n\":1}"));
		assertThat(this.codec.write(Shape.CIRCLE).type()).isEqualTo(Shape.class.getName());
		assertThatExceptionOfType(ClusterMessageTooLargeException.class)
			.isThrownBy(() -> this.codec.write("é".repeat(500)))
			.withMessageContaining("1002 bytes > 1000");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.write(null)).withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.write(new Unwritable()))
			.withMessageContaining(Unwritable.class.getName())
			.withMessageContaining("could not be written as JSON");
	}

	@Test
	void theApplicationMappersDefaultTypingNeverChoosesAClass() {
		JsonMapper typing = JsonMapper.builder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfSubType(Object.class).build(),
					DefaultTyping.JAVA_LANG_OBJECT)
			.build();
		assertThat(typing.readValue("{\"value\":[\"" + Armed.class.getName() + "\",{}]}", Holder.class).value())
			.as("the application's mapper itself would create it")
			.isInstanceOf(Armed.class);
		int before = Armed.constructed.get();
		ClusterMessageCodec codec = new ClusterMessageCodec(typing, 1000);
		ClusterMessageDispatcher dispatcher = new ClusterMessageDispatcher(registry(this.listeners), codec, 1);
		try {
			dispatcher.receive("node-a", Holder.class.getName(),
					"{\"value\":[\"" + Armed.class.getName() + "\",{}]}");
			dispatcher.receive("node-a", Holder.class.getName(), codec.write(new Holder(List.of("plain"))).json());
			await().atMost(AWAIT).until(() -> this.listeners.holders.size() == 2);
		}
		finally {
			dispatcher.destroy();
		}
		assertThat(this.listeners.holders).extracting(Holder::value)
			.containsExactly(List.of(Armed.class.getName(), Map.of()), List.of("plain"));
		assertThat(Armed.constructed).hasValue(before);
	}

	private List<Integer> numbersFrom(String sender) {
		return this.listeners.numbered.stream().filter((m) -> m.sender().equals(sender)).map(Numbered::n).toList();
	}

	private String json(Object message) {
		return this.codec.write(message).json();
	}

	private static List<Integer> oneTo(int last) {
		return IntStream.rangeClosed(1, last).boxed().toList();
	}

	private static ClusterMessageListenerRegistry registry(Listeners listeners) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("listeners", listeners);
		ClusterMessageListenerRegistry registry = new ClusterMessageListenerRegistry();
		registry.setBeanFactory(beanFactory);
		registry.afterSingletonsInstantiated();
		return registry;
	}

	record Numbered(String sender, int n) {

	}

	record Holder(Object value) {

	}

	/**
	 * A class that a message must never name into existence.
	 */
	public static final class Armed {

		static final AtomicInteger constructed = new AtomicInteger();

		public Armed() {
			constructed.incrementAndGet();
		}

	}

	record Blocking() {

	}

	record Failing() {

	}

	enum Shape {

		CIRCLE {
			@Override
			int corners() {
				return 0;
			}
		};

		abstract int corners();

	}

	static final class Unwritable {

		public Object getSelf() {
			throw new IllegalStateException("cannot");
		}

	}

	static final class Listeners {

		final List<Numbered> numbered = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<String> texts = new CopyOnWriteArrayList<>();

		final List<Holder> holders = new CopyOnWriteArrayList<>();

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@ClusterMessageListener
		void onNumbered(Numbered message) {
			this.threads.add(Thread.currentThread().getName());
			this.numbered.add(message);
		}

		@ClusterMessageListener
		void onBlocking(Blocking message) throws InterruptedException {
			this.blocked.countDown();
			this.release.await(10, TimeUnit.SECONDS);
		}

		@ClusterMessageListener
		void onFailing(Failing message) {
			throw new IllegalStateException("listener failed");
		}

		@ClusterMessageListener
		void onHolder(Holder holder) {
			this.holders.add(holder);
		}

		@ClusterMessageListener
		void onText(String text, String sender) {
			this.texts.add(text + " from " + sender);
		}

	}

}
