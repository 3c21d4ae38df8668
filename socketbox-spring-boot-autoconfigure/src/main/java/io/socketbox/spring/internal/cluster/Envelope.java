package io.socketbox.spring.internal.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A frame on a peer link: versioned JSON with the origin node, a message id and a type.
 *
 * @param v the protocol version
 * @param type the frame type
 * @param origin the id of the node that sent the frame
 * @param id the message id, or the id of the message an acknowledgement answers
 * @param target the connection id or user name that a direct message is for, the
 * type name of a published application message, or the destination of a STOMP message
 * @param payload the application message, already serialized
 * @param count the number of connections reached, in an acknowledgement
 * @param name the name of the sender, in a handshake
 * @param nonce the sender's fresh nonce, in a handshake
 * @param proof the sender's HMAC proof, in a handshake
 * @param s the sender's sequence number of a data frame, increasing per origin
 * @param ack the highest sequence number received from the other side, in a handshake
 * or heartbeat
 * @param ping the sender's {@link System#nanoTime()} when it wrote a periodic heartbeat,
 * which the other side echoes as {@code pong}; optional, nodes that do not know it ignore it
 * @param pong the {@code ping} of the last periodic heartbeat received from the other
 * side, in the heartbeat that answers it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record Envelope(int v, @Nullable String type, @Nullable String origin, @Nullable String id, @Nullable String target,
		@Nullable String payload, @Nullable Integer count, @Nullable String name, @Nullable String nonce,
		@Nullable String proof, @Nullable Long s, @Nullable Long ack, @Nullable Long ping, @Nullable Long pong) {

	/**
	 * An envelope without round-trip timestamps: every frame but a heartbeat.
	 */
	Envelope(int v, @Nullable String type, @Nullable String origin, @Nullable String id, @Nullable String target,
			@Nullable String payload, @Nullable Integer count, @Nullable String name, @Nullable String nonce,
			@Nullable String proof, @Nullable Long s, @Nullable Long ack) {
		this(v, type, origin, id, target, payload, count, name, nonce, proof, s, ack, null, null);
	}

	/**
	 * The protocol version; 5 since links carry how far a session's client messages were
	 * handled ({@code s-handled} frames) and the broadcasts a new peer missed
	 * ({@code b-history} frames), 4 since a broadcast's id is its position among its origin's
	 * broadcasts and links carry sessions ({@code s-attach}, {@code s-frame},
	 * {@code s-detach}, {@code s-close}, {@code s-adopt} and {@code s-moved} frames), 3 since links carry the connection directory, cluster
	 * operations, application messages and STOMP ({@code dir}, {@code rpc},
	 * {@code rpc-reply}, {@code msg}, {@code stomp}, {@code stomp-sub} and {@code stomp-user} frames), 2 since they
	 * carry several envelopes per frame and the node with the higher id dials. Nodes of
	 * other versions are refused at the handshake, before any frame of a kind they do not
	 * know could close a link.
	 */
	static final int VERSION = 5;

	static final String CHALLENGE = "challenge";

	static final String HELLO = "hello";

	static final String WELCOME = "welcome";

	static final String BROADCAST = "broadcast";

	static final String SEND = "send";

	static final String USER = "user";

	static final String REPLY = "reply";

	static final String HEARTBEAT = "hb";

	static final String LEAVE = "leave";

	static final String MEMBERS = "members";

	/** A change or snapshot part of the sender's connection directory. */
	static final String DIRECTORY = "dir";

	static final String RPC = "rpc";

	static final String RPC_REPLY = "rpc-reply";

	/** An application message published to other nodes; the target is its type name. */
	static final String MESSAGE = "msg";

	/**
	 * A message for the STOMP broker of the peer; the target is its destination.
	 */
	static final String STOMP = "stomp";

	/**
	 * A change or snapshot part of the destinations the sender's STOMP clients subscribe
	 * to.
	 */
	static final String STOMP_INTEREST = "stomp-sub";

	/**
	 * A change or snapshot part of the STOMP users and sessions of the sender's clients.
	 */
	static final String STOMP_USERS = "stomp-user";

	/** A client resumed a session of the receiver on the sender: relay it there. */
	static final String SESSION_ATTACH = "s-attach";

	/** A frame of one of the sender's sessions, for its client on the receiver. */
	static final String SESSION_FRAME = "s-frame";

	/** The client of one of the receiver's sessions left the sender. */
	static final String SESSION_DETACH = "s-detach";

	/** Close the client's connection of one of the sender's sessions. */
	static final String SESSION_CLOSE = "s-close";

	/**
	 * How far the client's numbered messages of a session have been handled, the
	 * payload: from the home to the node the client resumed on, or back.
	 */
	static final String SESSION_HANDLED = "s-handled";

	/**
	 * Broadcasts of an origin, the target, that the sender kept from before the receiver
	 * was linked to it: a part of what a node sends a peer on their first link.
	 */
	static final String BROADCAST_HISTORY = "b-history";

	/** The sender stops and hands one of its sessions to the receiver. */
	static final String SESSION_ADOPT = "s-adopt";

	/** The sender handed one of its sessions to another node, the payload. */
	static final String SESSION_MOVED = "s-moved";

	static Envelope sessionAdopt(String origin, String id, String sessionId, String state) {
		return new Envelope(VERSION, SESSION_ADOPT, origin, id, sessionId, state, null, null, null, null, null, null);
	}

	static Envelope sessionMoved(String origin, String sessionId, String heir) {
		return new Envelope(VERSION, SESSION_MOVED, origin, null, sessionId, heir, null, null, null, null, null, null);
	}

	static Envelope sessionAttach(String origin, String id, String sessionId, long received) {
		return new Envelope(VERSION, SESSION_ATTACH, origin, id, sessionId, Long.toString(received), null, null, null,
				null, null, null);
	}

	static Envelope sessionFrame(String origin, String sessionId, String frame) {
		return new Envelope(VERSION, SESSION_FRAME, origin, null, sessionId, frame, null, null, null, null, null, null);
	}

	static Envelope sessionDetach(String origin, String sessionId, boolean ended) {
		return new Envelope(VERSION, SESSION_DETACH, origin, null, sessionId, null, ended ? 1 : 0, null, null, null,
				null, null);
	}

	static Envelope sessionHandled(String origin, String sessionId, long seq) {
		return new Envelope(VERSION, SESSION_HANDLED, origin, null, sessionId, Long.toString(seq), null, null, null,
				null, null, null);
	}

	static Envelope broadcastHistory(String origin, String ofOrigin, String part) {
		return new Envelope(VERSION, BROADCAST_HISTORY, origin, null, ofOrigin, part, null, null, null, null, null,
				null);
	}

	static Envelope sessionClose(String origin, @Nullable String id, String sessionId, int code, String reason) {
		return new Envelope(VERSION, SESSION_CLOSE, origin, id, sessionId, reason, code, null, null, null, null, null);
	}

	static Envelope challenge(String origin, String name, String nonce) {
		return new Envelope(VERSION, CHALLENGE, origin, null, null, null, null, name, nonce, null, null, null);
	}

	static Envelope hello(String origin, String name, String nonce, String proof, long ack) {
		return new Envelope(VERSION, HELLO, origin, null, null, null, null, name, nonce, proof, null, ack);
	}

	static Envelope welcome(String origin, String proof, long ack) {
		return new Envelope(VERSION, WELCOME, origin, null, null, null, null, null, null, proof, null, ack);
	}

	static Envelope broadcast(String origin, String id, String payload) {
		return new Envelope(VERSION, BROADCAST, origin, id, null, payload, null, null, null, null, null, null);
	}

	static Envelope send(String origin, String id, String connectionId, String payload) {
		return new Envelope(VERSION, SEND, origin, id, connectionId, payload, null, null, null, null, null, null);
	}

	static Envelope user(String origin, String id, String user, String payload) {
		return new Envelope(VERSION, USER, origin, id, user, payload, null, null, null, null, null, null);
	}

	static Envelope reply(String origin, String id, int count) {
		return new Envelope(VERSION, REPLY, origin, id, null, null, count, null, null, null, null, null);
	}

	static Envelope rpc(String origin, String id, String request) {
		return new Envelope(VERSION, RPC, origin, id, null, request, null, null, null, null, null, null);
	}

	static Envelope rpcReply(String origin, String id, String reply) {
		return new Envelope(VERSION, RPC_REPLY, origin, id, null, reply, null, null, null, null, null, null);
	}

	static Envelope message(String origin, String typeName, String json) {
		return new Envelope(VERSION, MESSAGE, origin, null, typeName, json, null, null, null, null, null, null);
	}

	static Envelope stomp(String origin, String destination, String payload) {
		return new Envelope(VERSION, STOMP, origin, null, destination, payload, null, null, null, null, null, null);
	}

	static Envelope stompInterest(String origin, String payload) {
		return new Envelope(VERSION, STOMP_INTEREST, origin, null, null, payload, null, null, null, null, null, null);
	}

	static Envelope stompUsers(String origin, String payload) {
		return new Envelope(VERSION, STOMP_USERS, origin, null, null, payload, null, null, null, null, null, null);
	}

	static Envelope heartbeat(String origin, long ack) {
		return new Envelope(VERSION, HEARTBEAT, origin, null, null, null, null, null, null, null, null, ack);
	}

	/**
	 * A heartbeat that may ask for, or answer, a measure of the round-trip time.
	 */
	static Envelope heartbeat(String origin, long ack, @Nullable Long ping, @Nullable Long pong) {
		return new Envelope(VERSION, HEARTBEAT, origin, null, null, null, null, null, null, null, null, ack, ping,
				pong);
	}

	/**
	 * Return this envelope with a sequence number.
	 */
	Envelope withSequence(long sequence) {
		return new Envelope(this.v, this.type, this.origin, this.id, this.target, this.payload, this.count, this.name,
				this.nonce, this.proof, sequence, this.ack, this.ping, this.pong);
	}

	static Envelope members(String origin, String members) {
		return new Envelope(VERSION, MEMBERS, origin, null, null, members, null, null, null, null, null, null);
	}

	static Envelope directory(String origin, String payload) {
		return new Envelope(VERSION, DIRECTORY, origin, null, null, payload, null, null, null, null, null, null);
	}

	static Envelope leave(String origin) {
		return new Envelope(VERSION, LEAVE, origin, null, null, null, null, null, null, null, null, null);
	}

	/**
	 * Whether this is a data frame of this protocol version: one that carries a sequence
	 * number and is delivered in order.
	 */
	boolean isData() {
		return BROADCAST.equals(this.type) || SEND.equals(this.type) || USER.equals(this.type)
				|| REPLY.equals(this.type) || LEAVE.equals(this.type) || MEMBERS.equals(this.type)
				|| DIRECTORY.equals(this.type) || RPC.equals(this.type) || RPC_REPLY.equals(this.type)
				|| MESSAGE.equals(this.type) || STOMP.equals(this.type) || STOMP_INTEREST.equals(this.type)
				|| STOMP_USERS.equals(this.type) || SESSION_ATTACH.equals(this.type)
				|| SESSION_FRAME.equals(this.type) || SESSION_DETACH.equals(this.type)
				|| SESSION_CLOSE.equals(this.type) || SESSION_ADOPT.equals(this.type)
				|| SESSION_MOVED.equals(this.type) || SESSION_HANDLED.equals(this.type)
				|| BROADCAST_HISTORY.equals(this.type);
	}

	boolean isHandshake() {
		return CHALLENGE.equals(this.type) || HELLO.equals(this.type) || WELCOME.equals(this.type);
	}

}
