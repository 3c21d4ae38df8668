package io.socketbox.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Command-line options of the benchmark.
 *
 * @param scenarios the scenarios to run, 1 to 11 (11 only when asked for)
 * @param quick whether to shorten every scenario to a few seconds
 * @param repeat how many times to run each scenario for each system, alternating the order
 * @param sampleJar the sample application's executable jar
 * @param socketIoDirectory the directory of the Socket.IO server script
 * @param output where to write the Markdown report, besides standard output
 * @param nodeJvmArguments JVM arguments of every SocketBox node (and STOMP server)
 * @param stompChart where scenario 10 writes its SVG chart
 * @param cds whether SocketBox nodes start from the extracted jar with a CDS archive
 * @param container the servlet container the sample runs on
 * @param stompSystems the modes of the systems scenario 10 compares ({@code socketbox},
 * {@code relay}, {@code simple})
 * @param warmup how long a load scenario warms up before it measures: 30 s in full mode,
 * since two fresh node JVMs sharing two cores with the generator were still compiling
 * (C2) through a 10 s warm-up and most of the 20 s measured after it
 * (docs/benchmarks.md, "Scenario 3's spread"); 1 s in quick mode
 */
record Options(List<Integer> scenarios, boolean quick, int repeat, Path sampleJar, Path socketIoDirectory,
		Path output, List<String> nodeJvmArguments, Path stompChart, boolean cds, Container container,
		List<String> stompSystems, Duration warmup) {

	/**
	 * The servlet containers the sample is built for, each with its own jar.
	 */
	enum Container {

		/** Boot's default container: {@code sample-app-tomcat.jar}. */
		TOMCAT("sample-app-tomcat.jar"),

		/** The sample's own ({@code spring-boot-starter-jetty}): {@code sample-app.jar}. */
		JETTY("sample-app.jar");

		private final String jar;

		Container(String jar) {
			this.jar = jar;
		}

		/**
		 * Return the sample's jar for this container in the sample's build directory.
		 */
		Path sampleJar() {
			return Path.of("sample-app/target", this.jar);
		}

		/**
		 * Return the container's name as the report shows it.
		 */
		String displayName() {
			return (this == TOMCAT) ? "Tomcat" : "Jetty";
		}

		static Container of(String value) {
			return switch (value) {
				case "tomcat" -> TOMCAT;
				case "jetty" -> JETTY;
				default -> throw new IllegalArgumentException("--container is tomcat or jetty, not " + value);
			};
		}

	}

	static final String USAGE = """
			Usage: java -jar benchmarks/target/benchmarks.jar [options]
			  --quick                 every scenario shortened to a few seconds
			  --scenarios 1,2,...     run only these (1-11; 10 is STOMP; default 1-10: the rolling
			                          restart, 11, runs only when named)
			  --repeat N              run each scenario N times per system, order alternating (default 1)
			  --container NAME        jetty (default) or tomcat: the sample jar built for that container
			  --sample-jar PATH       default sample-app/target/sample-app.jar (sample-app-tomcat.jar for tomcat)
			  --socketio-dir PATH     default benchmarks/socketio
			  --output PATH           default benchmarks/target/benchmark-results.md
			  --node-jvm-args "ARGS"  JVM arguments of each SocketBox node (default "-Xmx1g")
			  --stomp-chart PATH      scenario 10's SVG chart, default docs/benchmarks-stomp.svg
			                          (scenario 7's charts go in the same directory)
			  --no-cds                SocketBox nodes start with java -jar, not with a CDS archive
			  --stomp-systems LIST    scenario 10's systems, default socketbox,relay,simple
			  --warmup SECONDS        warm-up of scenarios 1-4, 8 and 10 before they measure (default
			                          30, 1 with --quick)
			""";

	static Options parse(String... args) {
		List<Integer> scenarios = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
		boolean quick = false;
		int repeat = 1;
		Path sampleJar = null;
		Container container = Container.JETTY;
		Path socketIo = Path.of("benchmarks/socketio");
		Path output = Path.of("benchmarks/target/benchmark-results.md");
		List<String> jvm = List.of("-Xmx1g");
		Path stompChart = Path.of("docs/benchmarks-stomp.svg");
		boolean cds = true;
		List<String> stompSystems = STOMP_SYSTEMS;
		Duration warmup = null;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			switch (arg) {
				case "--quick" -> quick = true;
				case "--scenarios" -> scenarios = scenarios(value(args, ++i, arg));
				case "--repeat" -> repeat = Integer.parseInt(value(args, ++i, arg));
				case "--sample-jar" -> sampleJar = Path.of(value(args, ++i, arg));
				case "--container" -> container = Container.of(value(args, ++i, arg));
				case "--socketio-dir" -> socketIo = Path.of(value(args, ++i, arg));
				case "--output" -> output = Path.of(value(args, ++i, arg));
				case "--node-jvm-args" -> jvm = Arrays.asList(value(args, ++i, arg).trim().split("\\s+"));
				case "--stomp-chart" -> stompChart = Path.of(value(args, ++i, arg));
				case "--no-cds" -> cds = false;
				case "--stomp-systems" -> stompSystems = stompSystems(value(args, ++i, arg));
				case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value(args, ++i, arg)));
				default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
			}
		}
		if (repeat < 1) {
			throw new IllegalArgumentException("--repeat needs a positive number");
		}
		if (warmup == null) {
			warmup = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(30);
		}
		else if (warmup.isNegative()) {
			throw new IllegalArgumentException("--warmup needs a number of seconds, 0 or more");
		}
		if (sampleJar == null) {
			sampleJar = container.sampleJar();
		}
		return new Options(scenarios, quick, repeat, sampleJar.toAbsolutePath(), socketIo.toAbsolutePath(),
				output.toAbsolutePath(), jvm, stompChart.toAbsolutePath(), cds, container, stompSystems, warmup);
	}

	private static final List<String> STOMP_SYSTEMS = StompScenario.SYSTEMS.stream()
		.map(StompScenario.StompSystem::mode)
		.toList();

	private static List<String> stompSystems(String value) {
		List<String> systems = Arrays.stream(value.split(",")).map(String::trim).distinct().toList();
		for (String system : systems) {
			if (!STOMP_SYSTEMS.contains(system)) {
				throw new IllegalArgumentException("--stomp-systems takes " + STOMP_SYSTEMS + ", not " + system);
			}
		}
		return systems;
	}

	private static List<Integer> scenarios(String value) {
		TreeSet<Integer> scenarios = new TreeSet<>();
		for (String part : value.split(",")) {
			int scenario = Integer.parseInt(part.trim());
			if (scenario < 1 || scenario > 11) {
				throw new IllegalArgumentException("Scenarios are numbered 1 to 11, not " + scenario);
			}
			scenarios.add(scenario);
		}
		return new ArrayList<>(scenarios);
	}

	private static String value(String[] args, int index, String option) {
		if (index >= args.length) {
			throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
		}
		return args[index];
	}

	/**
	 * Return how long a load scenario measures.
	 */
	Duration measure() {
		return this.quick ? Duration.ofSeconds(3) : Duration.ofSeconds(20);
	}

	/**
	 * Return the number of idle connections of scenario 5.
	 */
	int idleConnections() {
		return this.quick ? 500 : 10_000;
	}

	/**
	 * Return the number of connections of the node that joins in scenario 9.
	 */
	int clusterViewConnections() {
		return this.quick ? 1_000 : 10_000;
	}

	/**
	 * Return how many round trips of each kind scenario 9 makes before it measures.
	 */
	int rpcWarmup() {
		return this.quick ? 100 : 500;
	}

	/**
	 * Return how many round trips of each kind scenario 9 measures.
	 */
	int rpcCalls() {
		return this.quick ? 300 : 2_000;
	}

	/**
	 * Return the cluster sizes of scenario 7.
	 */
	List<Integer> growthSizes() {
		return this.quick ? List.of(2, 3) : List.of(2, 3, 4, 5);
	}

	/**
	 * Return the receiver counts of scenario 7's growth against receivers (on 2 nodes).
	 */
	List<Integer> growthReceivers() {
		return this.quick ? List.of(200, 1_000) : List.of(200, 2_000, 10_000);
	}

	/**
	 * Return how long each run of scenario 7 warms up before it measures.
	 */
	Duration growthWarmup() {
		return this.quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
	}

	/**
	 * Return how long each run of scenario 7 measures.
	 */
	Duration growthMeasure() {
		return this.quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
	}

	/**
	 * Return where scenario 7 writes its chart of the given name: next to scenario 10's.
	 */
	Path growthChart(String name) {
		return this.stompChart.resolveSibling("benchmarks-growth-" + name + ".svg");
	}

	/**
	 * Return the load and timing of scenario 11, the rolling restart: 100 clients, 10 of
	 * them also receiving direct messages, 100 broadcasts/s and 10 direct messages/s to
	 * each of the 10.
	 */
	RollingRestart.Settings rollingRestart() {
		return new RollingRestart.Settings(100, 10, 100, 10,
				this.quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10));
	}

	/**
	 * Return whether any of the scenarios to run starts the SocketBox sample.
	 */
	boolean needsSample() {
		return this.scenarios.stream().anyMatch((scenario) -> scenario != 10);
	}

	/**
	 * Return how long scenario 8 waits, from the stuck browser's last read, for the
	 * server to cut it.
	 */
	Duration stuckCutLimit() {
		// The server's kernel takes up to 4 MB (tcp_wmem) before its writes block: at
		// 200 messages/s that is about 90 s, then send-time-limit
		return this.quick ? Duration.ofSeconds(30) : Duration.ofSeconds(150);
	}

}
