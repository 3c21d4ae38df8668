package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.JsonStrings;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever JSON another node sends as a request, random text, deep nesting, huge
 * numbers, values of the wrong type in every place, the invoker replies, within the size
 * limit, with a status that the caller reads into a result, and no operation ever sees
 * an argument that is not of its parameter's type, down to the elements of its
 * collections.
 */
class ClusterOperationRequestProperties {

	private static final int MAX_BYTES = 16 * 1024;

	private static final Set<String> WIRE_STATUSES = Set.of("OK", "FAILED", "UNKNOWN_OPERATION");

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final Queue<String> violations = new ConcurrentLinkedQueue<>();

	private static AnnotationConfigApplicationContext context;

	private static ExecutorService executor;

	private static ClusterOperationInvoker invoker;

	private static RpcCodec codec;

	@BeforeContainer
	static void start() {
		context = new AnnotationConfigApplicationContext();
		context.registerBean(ClusterOperationRegistry.class);
		context.registerBean(TypedHandlers.class);
		context.refresh();
		executor = Executors.newFixedThreadPool(2, new CustomizableThreadFactory("rpc-property-"));
		codec = new RpcCodec(mapper, MAX_BYTES);
		invoker = new ClusterOperationInvoker(context.getBean(ClusterOperationRegistry.class), codec, executor);
	}

	@AfterContainer
	static void stop() {
		if (context != null) {
			context.close();
			executor.shutdownNow();
		}
	}

	@BeforeTry
	void forgetViolations() {
		violations.clear();
	}

	@Property(tries = 1000)
	void everyRequestGetsAReplyAndNoOperationAWrongTypedArgument(@ForAll("requests") String request) {
		CompletableFuture<String> reply = invoker.invoke(request);
		assertThat(reply).succeedsWithin(Duration.ofSeconds(10));
		assertReadable(reply.join());
		assertThat(violations).isEmpty();
	}

	@Property(tries = 100)
	void deepNestingGetsAReply(@ForAll("deep") String request) {
		CompletableFuture<String> reply = invoker.invoke(request);
		assertThat(reply).succeedsWithin(Duration.ofSeconds(10));
		assertReadable(reply.join());
		assertThat(violations).isEmpty();
	}

	private static void assertReadable(String reply) {
		assertThat(RpcCodec.utf8Length(reply)).isLessThanOrEqualTo(MAX_BYTES);
		JsonNode tree = mapper.readTree(reply);
		String status = tree.get("status").asString();
		assertThat(WIRE_STATUSES).contains(status);
		Statistics.collect(status);
		ClusterCallResult<Object> result = codec.readResponse("n", "op", reply, codec.type(Object.class));
		assertThat(result.nodeId()).isEqualTo("n");
		if (!result.isOk()) {
			assertThat(result.error()).isNotBlank().doesNotContain("\tat ");
		}
	}

	@Provide
	Arbitrary<String> requests() {
		return Arbitraries.frequencyOf(Tuple.of(6, fitting()), Tuple.of(3, wellShaped()), Tuple.of(1, oddShapes()),
				Tuple.of(1, HostileStrings.upTo(300)), Tuple.of(1, jsonValue(2)));
	}

	/**
	 * A request for an operation that exists, with the right number of arguments, each
	 * mostly of the parameter's shape but with values of the wrong type here and there.
	 */
	private static Arbitrary<String> fitting() {
		Arbitrary<String> integer = mostly(Arbitraries.integers().map(String::valueOf));
		Arbitrary<String> point = Combinators.combine(integer, integer)
			.as((x, y) -> "{\"x\":" + x + ",\"y\":" + y + "}");
		Arbitrary<String> points = mostly(point).list().ofMaxSize(3).map(ClusterOperationRequestProperties::array);
		Arbitrary<String> grid = mostly(points).list().ofMaxSize(3).map(ClusterOperationRequestProperties::array);
		Arbitrary<String> maybe = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().map(String::valueOf)),
				Tuple.of(1, Arbitraries.just("null")));
		Arbitrary<String> tags = Combinators
			.combine(HostileStrings.upTo(8), mostly(Arbitraries.longs().map(String::valueOf)))
			.as((key, value) -> JsonStrings.literal(key) + ":" + value)
			.list()
			.ofMaxSize(3)
			.map((members) -> "{" + String.join(",", members) + "}");
		return Arbitraries.oneOf(List.of(
				request("add", integer, integer),
				request("sum", mostly(integer.list().ofMaxSize(4).map(ClusterOperationRequestProperties::array))),
				request("scale", mostly(point), integer),
				request("tags", mostly(tags)),
				request("text", mostly(HostileStrings.upTo(30).map(JsonStrings::literal))),
				request("flag", mostly(Arbitraries.of("true", "false"))),
				request("maybe", mostly(maybe)),
				request("grid", mostly(grid)),
				request("nothing")));
	}

	@SafeVarargs
	private static Arbitrary<String> request(String operation, Arbitrary<String>... arguments) {
		Arbitrary<List<String>> args = (arguments.length == 0) ? Arbitraries.just(List.of())
				: Combinators.combine(List.of(arguments)).as((values) -> values);
		return args.map((values) -> "{\"operation\":\"" + operation + "\",\"args\":" + array(values) + "}");
	}

	/**
	 * Values of the given shape, but now and then any other JSON value.
	 */
	private static Arbitrary<String> mostly(Arbitrary<String> values) {
		return Arbitraries.frequencyOf(Tuple.of(5, values), Tuple.of(1, jsonValue(1)));
	}

	private static String array(List<String> values) {
		return "[" + String.join(",", values) + "]";
	}

	@Provide
	Arbitrary<String> deep() {
		Arbitrary<Integer> depth = Arbitraries.integers().between(50, 5000);
		Arbitrary<String> operation = Arbitraries.of("sum", "grid", "tags", "text", "add", "missing");
		return Arbitraries.oneOf(List.of(depth.map((n) -> "[".repeat(n) + "]".repeat(n)),
				depth.map((n) -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
				depth.map((n) -> "[".repeat(n)),
				Combinators.combine(operation, depth).as((op, n) -> "{\"operation\":\"" + op + "\",\"args\":["
						+ "[".repeat(n) + "]".repeat(n) + "]}"),
				Combinators.combine(operation, depth).as((op, n) -> "{\"operation\":\"" + op + "\",\"args\":["
						+ "{\"x\":".repeat(n) + "1" + "}".repeat(n) + "]}")));
	}

	/**
	 * A request object naming one of the operations (or none that exists) with
	 * arguments of any kind, sometimes of the right number and shape.
	 */
	private static Arbitrary<String> wellShaped() {
		Arbitrary<String> operation = Arbitraries.frequencyOf(
				Tuple.of(8, Arbitraries.of(TypedHandlers.OPERATIONS).map(JsonStrings::literal)),
				Tuple.of(1, HostileStrings.upTo(20).map(JsonStrings::literal)), Tuple.of(1, jsonValue(1)));
		Arbitrary<String> args = Arbitraries.frequencyOf(
				Tuple.of(8, jsonValue(3).list().ofMaxSize(4).map((values) -> "[" + String.join(",", values) + "]")),
				Tuple.of(1, jsonValue(2)), Tuple.of(1, Arbitraries.just("null")));
		return Combinators.combine(operation, args).as((op, arguments) -> "{\"operation\":" + op + ",\"args\":"
				+ arguments + "}");
	}

	private static Arbitrary<String> oddShapes() {
		Arbitrary<String> operation = Arbitraries.of(TypedHandlers.OPERATIONS).map(JsonStrings::literal);
		return Arbitraries.oneOf(List.of(operation.map((op) -> "{\"operation\":" + op + "}"),
				operation.map((op) -> "{\"operation\":" + op + ",\"args\":[1,2],\"operation\":\"add\"}"),
				operation.map((op) -> "{\"operation\":" + op + ",\"args\":[1,2]} trailing"),
				operation.map((op) -> "{\"operation\":" + op + ",\"args\":[1,2],\"extra\":{}}"),
				operation.map((op) -> "{\"operation\":" + op + ",\"args\":[1,2"),
				Arbitraries.of("", " ", "{}", "[]", "null", "{\"args\":[]}", "{\"operation\":null}",
						"{\"operation\":\"add\",\"args\":{\"0\":1,\"1\":2}}", "\"add\"", "{\"operation\":[\"add\"]}")));
	}

	/**
	 * JSON values of every type, nested to the given depth, with numbers too large for
	 * any Java type and strings that hold numbers or lone surrogates.
	 */
	private static Arbitrary<String> jsonValue(int depth) {
		Arbitrary<String> scalar = Arbitraries.oneOf(List.of(
				Arbitraries.of("null", "true", "false", "0", "-0", "1.5", "-1", "1e308", "1e999", "-1e-999",
						"2147483648", "-2147483649", "9223372036854775808", "\"\"", "\"12\"", "\"x\"", "\"\\ud800\"",
						"NaN", "01", "1.", ".5", "\"true\"", "1E2", "-"),
				Arbitraries.integers().map(String::valueOf), Arbitraries.longs().map(String::valueOf),
				Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(3000),
				Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(400).map((digits) -> "1e" + digits),
				HostileStrings.upTo(40).map(JsonStrings::literal)));
		if (depth == 0) {
			return scalar;
		}
		Arbitrary<String> array = jsonValue(depth - 1).list()
			.ofMaxSize(4)
			.map((values) -> "[" + String.join(",", values) + "]");
		Arbitrary<String> key = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("x", "y", "a", "b", "", "x")),
				Tuple.of(1, HostileStrings.upTo(10)));
		Arbitrary<String> object = Combinators.combine(key, jsonValue(depth - 1))
			.as((k, v) -> JsonStrings.literal(k) + ":" + v)
			.list()
			.ofMaxSize(3)
			.map((members) -> "{" + String.join(",", members) + "}");
		return Arbitraries.frequencyOf(Tuple.of(3, scalar), Tuple.of(1, array), Tuple.of(1, object));
	}

	record Point(int x, int y) {

	}

	/**
	 * Operations that check, deeply, that what they receive is of the declared types;
	 * they look at elements as plain objects, because a typed lambda would throw a
	 * {@link ClassCastException} instead of recording the violation.
	 */
	static class TypedHandlers {

		static final String[] OPERATIONS = { "add", "sum", "scale", "tags", "text", "flag", "maybe", "grid",
				"nothing", "missing" };

		@ClusterOperation("add")
		int add(int a, int b) {
			return a + b;
		}

		@ClusterOperation("sum")
		long sum(@Nullable List<Integer> values) {
			if (values != null) {
				for (Object value : (List<?>) values) {
					check(value, Integer.class, "sum element");
				}
			}
			return 0;
		}

		@ClusterOperation("scale")
		@Nullable Object scale(@Nullable Point point, int factor) {
			check((Object) point, Point.class, "scale point");
			return point;
		}

		@ClusterOperation("tags")
		int tags(@Nullable Map<String, Long> tags) {
			if (tags != null) {
				for (Map.Entry<?, ?> entry : ((Map<?, ?>) tags).entrySet()) {
					check(entry.getKey(), String.class, "tags key");
					check(entry.getValue(), Long.class, "tags value");
				}
			}
			return 0;
		}

		@ClusterOperation("text")
		@Nullable String text(@Nullable String text) {
			check(text, String.class, "text");
			return text;
		}

		@ClusterOperation("flag")
		boolean flag(boolean flag) {
			return !flag;
		}

		@ClusterOperation("maybe")
		@Nullable Integer maybe(@Nullable Integer value) {
			check(value, Integer.class, "maybe");
			return value;
		}

		@ClusterOperation("grid")
		int grid(@Nullable List<List<Point>> grid) {
			if (grid != null) {
				for (Object row : (List<?>) grid) {
					check(row, List.class, "grid row");
					if (row instanceof List<?> points) {
						points.forEach((point) -> check(point, Point.class, "grid point"));
					}
				}
			}
			return 0;
		}

		@ClusterOperation("nothing")
		void nothing() {
		}

		private static void check(@Nullable Object value, Class<?> type, String what) {
			if (value != null && !type.isInstance(value)) {
				violations.add(what + " is a " + value.getClass().getName() + ": " + value);
			}
		}

	}

}
