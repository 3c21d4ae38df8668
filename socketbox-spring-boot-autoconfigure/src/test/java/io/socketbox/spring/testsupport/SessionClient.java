package io.socketbox.spring.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.socket.CloseStatus;

/**
 * A client of the {@code socketbox.v1} subprotocol for tests, written from
 * {@code docs/sessions.md} alone: it says hello or resumes, and reads the frames the
 * server sends as they are, duplicates included, so that tests can count them.
 */
public final class SessionClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper mapper = JsonMapper.shared();

	private final TestClient client;

	private SessionClient(TestClient client) {
		this.client = client;
	}

	/**
	 * Connect and start a new session.
	 * @param port the node's port
	 * @param user the user name, or {@code null}
	 * @return the client, its hello sent
	 */
	public static SessionClient hello(int port, @Nullable String user) {
		SessionClient client = open(port, user);
		client.client.send("c {\"t\":\"hello\"}");
		return client;
	}

	/**
	 * Connect and resume the session of an earlier client from what it received.
	 * @param port the node's port
	 * @param user the user name, or {@code null}
	 * @param earlier the earlier client
	 * @return the client, its resume sent
	 */
	public static SessionClient resume(int port, @Nullable String user, SessionClient earlier) {
		return resume(port, user, earlier.token(), earlier.lastSeq(), earlier.positions());
	}

	/**
	 * Connect and resume a session.
	 * @param port the node's port
	 * @param user the user name, or {@code null}
	 * @param token the token
	 * @param lastSeq the seq of the last direct message received
	 * @param positions the last broadcast position received per origin
	 * @return the client, its resume sent
	 */
	public static SessionClient resume(int port, @Nullable String user, String token, long lastSeq,
			Map<String, Long> positions) {
		SessionClient client = open(port, user);
		ObjectNode resume = mapper.createObjectNode().put("t", "resume").put("token", token).put("d", lastSeq);
		ObjectNode b = resume.putObject("b");
		positions.forEach(b::put);
		client.client.send("c " + mapper.writeValueAsString(resume));
		return client;
	}

	/**
	 * Connect offering the subprotocol, without sending anything.
	 * @param port the node's port
	 * @param user the user name, or {@code null}
	 * @return the client
	 */
	public static SessionClient open(int port, @Nullable String user) {
		String uri = "ws://127.0.0.1:" + port + "/ws" + ((user != null) ? "?user=" + user : "");
		return new SessionClient(TestClient.connectWithSubprotocol(uri, "socketbox.v1"));
	}

	public TestClient raw() {
		return this.client;
	}

	/**
	 * Wait for the welcome, the first frame.
	 * @return its JSON
	 */
	public JsonNode welcome() {
		String first = Awaitility.await()
			.atMost(TIMEOUT)
			.until(() -> this.client.messages().isEmpty() ? null : this.client.messages().get(0),
					(frame) -> frame != null);
		if (!first.startsWith("c ")) {
			throw new IllegalStateException("The first frame is not a control message: " + first);
		}
		JsonNode welcome = mapper.readTree(first.substring(2));
		if (!"welcome".equals(welcome.path("t").asString())) {
			throw new IllegalStateException("The first frame is not a welcome: " + first);
		}
		return welcome;
	}

	public String sessionId() {
		return welcome().path("session").asString();
	}

	/**
	 * Return the latest token: from the welcome, or a later {@code token} frame.
	 */
	public String token() {
		String token = welcome().path("token").asString();
		for (JsonNode control : controls()) {
			if ("token".equals(control.path("t").asString())) {
				token = control.path("token").asString();
			}
		}
		return token;
	}

	/**
	 * Return the control messages after the welcome, in order.
	 */
	public List<JsonNode> controls() {
		List<JsonNode> controls = new ArrayList<>();
		List<String> frames = this.client.messages();
		for (int i = 1; i < frames.size(); i++) {
			if (frames.get(i).startsWith("c ")) {
				controls.add(mapper.readTree(frames.get(i).substring(2)));
			}
		}
		return controls;
	}

	/**
	 * Return the gaps the server reported, as {@code kind:reason[:origin]}.
	 */
	public List<String> gaps() {
		return controls().stream()
			.filter((control) -> "gap".equals(control.path("t").asString()))
			.map((gap) -> gap.path("kind").asString() + ":" + gap.path("reason").asString()
					+ (gap.has("origin") ? ":" + gap.path("origin").asString() : ""))
			.toList();
	}

	/**
	 * Return the direct messages as received, each as {@code <seq> <text>}.
	 */
	public List<String> directs() {
		return this.client.messages()
			.stream()
			.filter((frame) -> frame.startsWith("d "))
			.map((frame) -> frame.substring(2))
			.toList();
	}

	/**
	 * Return the texts of the direct messages as received.
	 */
	public List<String> directTexts() {
		return directs().stream().map((direct) -> direct.substring(direct.indexOf(' ') + 1)).toList();
	}

	/**
	 * Return the broadcasts as received, each as {@code <origin> <position> <text>}.
	 */
	public List<String> broadcasts() {
		return this.client.messages()
			.stream()
			.filter((frame) -> frame.startsWith("b "))
			.map((frame) -> frame.substring(2))
			.toList();
	}

	/**
	 * Return the texts of the broadcasts as received.
	 */
	public List<String> broadcastTexts() {
		return broadcasts().stream().map((broadcast) -> broadcast.split(" ", 3)[2]).toList();
	}

	/**
	 * Return the seq of the last direct message received, 0 if none.
	 */
	public long lastSeq() {
		List<String> directs = directs();
		return directs.isEmpty() ? 0 : Long.parseLong(directs.get(directs.size() - 1).split(" ", 2)[0]);
	}

	/**
	 * Return the last broadcast position per origin: the welcome's, moved on by every
	 * broadcast received.
	 */
	public Map<String, Long> positions() {
		Map<String, Long> positions = new LinkedHashMap<>();
		welcome().path("b").properties().forEach((entry) -> positions.put(entry.getKey(), entry.getValue().asLong()));
		for (String broadcast : broadcasts()) {
			String[] parts = broadcast.split(" ", 3);
			positions.merge(parts[0], Long.parseLong(parts[1]), Math::max);
		}
		return positions;
	}

	/**
	 * Send a message for the application.
	 * @param text the message
	 */
	public void send(String text) {
		this.client.send("a " + text);
	}

	/**
	 * Send a numbered message for the application.
	 * @param seq its seq
	 * @param text the message
	 */
	public void send(long seq, String text) {
		this.client.send("m " + seq + " " + text);
	}

	/**
	 * Return the seq of the last numbered message the session had handled, as the
	 * welcome says.
	 */
	public long handled() {
		return welcome().path("m").asLong(-1);
	}

	/**
	 * Return the seqs the server acknowledged after the welcome, in order.
	 */
	public List<Long> acks() {
		return controls().stream()
			.filter((control) -> "ack".equals(control.path("t").asString()))
			.map((ack) -> ack.path("m").asLong())
			.toList();
	}

	/**
	 * Wait for a number of direct messages.
	 * @param count how many
	 * @return the texts
	 */
	public List<String> awaitDirects(int count) {
		return Awaitility.await().atMost(TIMEOUT).until(this::directTexts, (texts) -> texts.size() >= count);
	}

	/**
	 * Wait for a number of broadcasts.
	 * @param count how many
	 * @return the texts
	 */
	public List<String> awaitBroadcasts(int count) {
		return Awaitility.await().atMost(TIMEOUT).until(this::broadcastTexts, (texts) -> texts.size() >= count);
	}

	/**
	 * Close the connection as a network drop would look to the server: not with 1000.
	 */
	public void drop() {
		try {
			this.client.session().close(CloseStatus.GOING_AWAY);
		}
		catch (Exception ex) {
			// Already closed
		}
		this.client.awaitClose();
	}

	public CloseStatus awaitClose() {
		return this.client.awaitClose();
	}

	@Override
	public void close() {
		this.client.close();
	}

}
