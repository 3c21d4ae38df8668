package io.socketbox.spring.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Properties of the pongs a client controls: no pong but the echo of the ping
 * outstanding answers it, so a client that does not read cannot keep itself alive with
 * pongs of its own, whatever their payload (a control frame carries at most 125 bytes).
 */
class ReadLivenessPongProperties {

	@Property(tries = 300)
	void aPongOfAnyOtherPayloadLeavesThePingOutstanding(@ForAll @Size(max = 125) byte[] payload) {
		Pinged pinged = new Pinged();
		Assume.that(!ByteBuffer.wrap(payload).equals(pinged.nonce()));
		pinged.connection.outbox().pong(ByteBuffer.wrap(payload));
		pinged.assertStillOutstandingThenAnsweredByTheEcho();
	}

	@Property(tries = 300)
	void aPongOfAnyOtherEightBytesLeavesThePingOutstanding(@ForAll long echoed) {
		Pinged pinged = new Pinged();
		ByteBuffer payload = ByteBuffer.allocate(Long.BYTES).putLong(0, echoed);
		Assume.that(!payload.equals(pinged.nonce()));
		pinged.connection.outbox().pong(payload);
		pinged.assertStillOutstandingThenAnsweredByTheEcho();
	}

	/**
	 * A connection whose one write was followed by a ping that is still outstanding.
	 */
	private static final class Pinged {

		private final ConnectionOutboxTests.ManualSender sender = new ConnectionOutboxTests.ManualSender();

		private final LocalConnection connection = new LocalConnection("node.1", mock(WebSocketSession.class),
				this.sender, Runnable::run, new ConnectionOutbox.Limits(TimeUnit.SECONDS.toNanos(10), 100, 1),
				new ConnectionOutboxTests.RecordingListener());

		Pinged() {
			this.connection.open();
			this.connection.deliver(OutboundText.of("a"));
			this.sender.complete(null);
			this.sender.complete(null);
			assertThat(this.sender.started).containsExactly("a", "PING");
		}

		ByteBuffer nonce() {
			return this.sender.pings.get(0).duplicate();
		}

		void assertStillOutstandingThenAnsweredByTheEcho() {
			// Still outstanding: more data goes without a second ping
			this.connection.deliver(OutboundText.of("b"));
			this.sender.complete(null);
			assertThat(this.sender.started).containsExactly("a", "PING", "b");
			// The echo answers it: the next data is followed by a new ping
			this.connection.outbox().pong(nonce());
			this.connection.deliver(OutboundText.of("c"));
			this.sender.complete(null);
			assertThat(this.sender.started).containsExactly("a", "PING", "b", "c", "PING");
		}

	}

}
