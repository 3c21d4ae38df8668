package io.socketbox.sample;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ConnectionOpenedEvent;
import io.socketbox.spring.testsupport.HostileStrings;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's {@code ?user=} over arbitrary values, against a running single node: the
 * handshake never fails with a server error (SocketBox refuses a malformed query, the
 * demo a bad name), a value is accepted exactly when it follows the rule, and an accepted
 * connection's user in the directory is the value sent.
 */
class DemoUserProperties {

	private static ConfigurableApplicationContext context;

	private static int port;

	private static final Map<String, ClusterConnection> opened = new ConcurrentHashMap<>();

	@BeforeContainer
	static void startNode() {
		context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--socketbox.cluster.enabled=false");
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
		context.addApplicationListener((ApplicationListener<ConnectionOpenedEvent>) (event) -> opened
			.put(event.getConnection().id(), event.getConnection()));
	}

	@AfterContainer
	static void stopNode() {
		if (context != null) {
			context.close();
		}
	}

	@Property(tries = 300)
	void anEncodedValueIsAcceptedExactlyWhenItFollowsTheRule(@ForAll("values") String value) {
		Handshake handshake = Handshake.attempt(port, "user=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
		if (DemoUser.RULE.matcher(value).matches()) {
			assertThat(handshake.status()).as("status for %s", value).isEqualTo(101);
			assertThat(userOf(handshake)).isEqualTo(value);
		}
		else {
			assertThat(handshake.status()).as("status for %s", value).isEqualTo(400);
			assertThat(handshake.text()).contains("'user' query parameter");
		}
	}

	@Property(tries = 300)
	void anyRawQueryIsRefusedWith400OrGivesANameThatFollowsTheRule(@ForAll("rawQueries") String query) {
		Handshake handshake = Handshake.attempt(port, query);
		assertThat(handshake.status()).as("status for ?%s", query).isIn(101, 400);
		Statistics.label("status").collect(handshake.status());
		Statistics.label("named")
			.collect(handshake.status() == 101 && DemoUser.fromParameter(userValues(query)).name() != null);
		// Both outcomes, and named users among the accepted, so that neither branch is vacuous
		Statistics.label("status").coverage((coverage) -> {
			coverage.check(101).count((Integer count) -> count >= 10);
			coverage.check(400).count((Integer count) -> count >= 10);
		});
		Statistics.label("named").coverage((coverage) -> coverage.check(true).count((Integer count) -> count >= 5));
		if (handshake.status() == 101) {
			String user = userOf(handshake);
			if (user != null) {
				assertThat(user).matches(DemoUser.RULE);
			}
			assertThat(user).isEqualTo(DemoUser.fromParameter(userValues(query)).name());
		}
	}

	@Property(tries = 1000)
	void aNameIsGivenForOneValueThatFollowsTheRuleAndNothingElse(@ForAll("valueLists") List<String> values) {
		DemoUser.Result result = DemoUser.fromParameter(values.isEmpty() ? null : values.toArray(String[]::new));
		if (values.size() == 1 && DemoUser.RULE.matcher(values.get(0)).matches()) {
			assertThat(result.name()).isEqualTo(values.get(0));
			assertThat(result.error()).isNull();
		}
		else {
			assertThat(result.name()).isNull();
			assertThat(result.isRefused()).isEqualTo(!values.isEmpty());
		}
	}

	@Provide
	Arbitrary<List<String>> valueLists() {
		return values().list().ofMaxSize(3);
	}

	@Provide
	Arbitrary<String> values() {
		return Arbitraries.oneOf(HostileStrings.upTo(40), Arbitraries.strings().withChars("aZ09._-").ofMaxLength(40),
				Arbitraries.strings().ascii().ofMaxLength(40));
	}

	/**
	 * Queries of pairs in which {@code user}, valid names, {@code %} escapes (valid or
	 * not) and stray {@code &}, {@code =} and other characters are frequent.
	 */
	@Provide
	Arbitrary<String> rawQueries() {
		Arbitrary<String> garbage = Arbitraries.oneOf(Arbitraries.of("&", "=", "%", "%2", "%zz", "%20", "%C3%A9",
				"%E0%A4", "%FF", "+", "%00", "?", "#", "/", "%2B", "%26", "%3D"),
				Arbitraries.strings().withCharRange('!', '~').ofMaxLength(6));
		Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of("user", "user", "user", "%75ser", "USER", "room"),
				garbage);
		Arbitrary<String> value = Arbitraries.oneOf(
				Arbitraries.strings().withChars("aZ09._-").ofMinLength(1).ofMaxLength(34),
				Arbitraries.strings().withChars("aZ09._-").ofMinLength(1).ofMaxLength(34).map((v) -> v.replace("a", "%61")),
				garbage.list().ofMaxSize(4).map((pieces) -> String.join("", pieces)));
		Arbitrary<String> pair = Arbitraries.frequencyOf(
				Tuple.of(4, Combinators.combine(name, value).as((n, v) -> n + "=" + v)), Tuple.of(1, name),
				Tuple.of(1, garbage));
		return pair.list().ofMaxSize(3).map((pairs) -> String.join("&", pairs));
	}

	/**
	 * The values of the {@code user} parameter of a query that the server accepted, so
	 * well formed, decoded as a form decoder does; {@code null} when there is none.
	 */
	private static String @Nullable [] userValues(String query) {
		List<String> values = new ArrayList<>();
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			String name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8);
			if (!pair.isEmpty() && name.equals(DemoUser.PARAMETER)) {
				values.add((equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8) : "");
			}
		}
		return values.isEmpty() ? null : values.toArray(String[]::new);
	}

	/**
	 * The user of the connection that the handshake's welcome frame names, as the
	 * directory published it when the connection opened.
	 */
	private static @Nullable String userOf(Handshake handshake) {
		String id = JsonMapper.shared().readTree(handshake.text()).path("connection").asString();
		return await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> opened.get(id), Objects::nonNull)
			.user();
	}

}
