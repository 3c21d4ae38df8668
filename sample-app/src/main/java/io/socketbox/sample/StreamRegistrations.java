package io.socketbox.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.socketbox.spring.ClusterCall;
import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterMessageListener;
import io.socketbox.spring.ClusterMessages;
import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.ClusterOperations;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Which session each stream client registered under its name, known on every node: the
 * stream's direct messages go by name ({@code c7}), the library's sends by session id.
 * <p>
 * A client sends {@code register <name>} once per new session (not on a resume: the id
 * stays). The node that gets it records it and publishes it to the other nodes
 * ({@link ClusterMessages}); a node that starts, or misses a name it has to send to,
 * asks every node for what it knows ({@link ClusterOperations}): a node that joined after
 * a registration was published never saw it. Of two registrations of a name, the later
 * one wins (registration times come from the nodes' clocks, one machine here).
 */
@Component
@ConditionalOnProperty(name = "sample.stream.enabled", havingValue = "true")
class StreamRegistrations {

	static final String REGISTRATIONS = "sample.stream.registrations";

	private final Map<String, Registration> byName = new ConcurrentHashMap<>();

	private final ClusterMessages messages;

	private final ClusterOperations operations;

	private final ClusterCall<Registration[]> snapshot = ClusterCall.of(REGISTRATIONS, Registration[].class);

	StreamRegistrations(ClusterMessages messages, ClusterOperations operations) {
		this.messages = messages;
		this.operations = operations;
	}

	/**
	 * Record that a client registered a session under a name here, and tell the other
	 * nodes.
	 * @param name the client's name
	 * @param sessionId its session id
	 */
	void register(String name, String sessionId) {
		Registration registration = new Registration(name, sessionId, System.currentTimeMillis());
		merge(registration);
		this.messages.publish(registration);
	}

	/**
	 * Return the session registered under a name, or {@code null}.
	 * @param name the client's name
	 * @return its session id
	 */
	@Nullable String sessionOf(String name) {
		Registration registration = this.byName.get(name);
		return (registration != null) ? registration.session() : null;
	}

	/**
	 * Ask every node for its registrations and merge them into this node's, waiting at
	 * most the call's timeout.
	 */
	void refresh() {
		for (ClusterCallResult<Registration[]> result : this.operations.callAll(this.snapshot, false).join().values()) {
			Registration[] registrations = result.value();
			if (result.status() == ClusterCallResult.Status.OK && registrations != null) {
				for (Registration registration : registrations) {
					merge(registration);
				}
			}
		}
	}

	@ClusterMessageListener
	void registered(Registration registration) {
		merge(registration);
	}

	@ClusterOperation(REGISTRATIONS)
	Registration[] registrations() {
		return this.byName.values().toArray(new Registration[0]);
	}

	private void merge(Registration registration) {
		this.byName.merge(registration.name(), registration,
				(known, other) -> (other.at() >= known.at()) ? other : known);
	}

	/**
	 * A client's session, registered under its name.
	 *
	 * @param name the client's name
	 * @param session its session id
	 * @param at when it registered, in milliseconds since the epoch
	 */
	record Registration(String name, String session, long at) {

	}

}
