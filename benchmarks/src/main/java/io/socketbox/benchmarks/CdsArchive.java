package io.socketbox.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The sample's jar extracted for Class Data Sharing, with the archive of a training run,
 * so that nodes start the way {@code sample-app/run-cluster.sh} starts them (README,
 * "Fast start"): {@code java -Djarmode=tools -jar app.jar extract}; a training cluster of
 * two nodes, the second with {@code -XX:ArchiveClassesAtExit}, stopped once it has linked
 * with the first; then {@code -XX:SharedArchiveFile} on every start. An archive is kept
 * while the jar and the JVM stay the same.
 */
final class CdsArchive {

	private static final String ARCHIVE = "app.jsa";

	private static final String STAMP = "stamp";

	private static final long TRAINING_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(3);

	/** How long the trainee's JVM may take to write the archive as it exits. */
	private static final Duration ARCHIVE_WRITE_TIMEOUT = Duration.ofSeconds(60);

	/** How each jar is launched in this run, once prepared; guarded by the class. */
	private static final Map<Path, List<String>> launches = new HashMap<>();

	/** Where archives go, or {@code null} while nodes start with plain {@code -jar}. */
	private static Path baseDirectory;

	/** Application arguments of the training nodes; guarded by the class. */
	private static List<String> baseTrainingArguments = List.of();

	private final Path jar;

	private final Path directory;

	private final Path java;

	private final List<String> trainingArguments;

	/**
	 * Create a description of the archive of the given jar.
	 * @param jar the Spring Boot executable jar
	 * @param directory where to extract it and keep the archive
	 * @param java the {@code java} launcher that makes the archive and starts the nodes
	 * @param trainingArguments application arguments of the training nodes, after their
	 * port and a file cache of their own
	 */
	CdsArchive(Path jar, Path directory, Path java, List<String> trainingArguments) {
		this.jar = jar.toAbsolutePath();
		this.directory = directory.toAbsolutePath();
		this.java = java;
		this.trainingArguments = List.copyOf(trainingArguments);
	}

	/**
	 * Have {@link #launch(Path)} start every jar from an archive under the given
	 * directory, or, with {@code null}, with plain {@code -jar}.
	 * @param directory where archives go
	 * @param trainingArguments application arguments of the training nodes: those of the
	 * nodes (their cache, above all), so that the archive holds the classes they load
	 */
	static synchronized void useDirectory(Path directory, List<String> trainingArguments) {
		baseDirectory = directory;
		baseTrainingArguments = List.copyOf(trainingArguments);
		launches.clear();
	}

	/**
	 * Return the JVM arguments that launch the given jar: from its extracted copy with
	 * the archive (prepared on the first call for that jar in this run), or
	 * {@code -jar jar} when archives are off or the archive could not be made.
	 */
	static synchronized List<String> launch(Path jar) {
		if (baseDirectory == null) {
			return plainLaunch(jar);
		}
		return launches.computeIfAbsent(jar.toAbsolutePath(), (absolute) -> {
			CdsArchive archive = new CdsArchive(absolute, baseDirectory.resolve(directoryName(absolute)),
					currentJava(), baseTrainingArguments);
			try {
				archive.prepare();
				return archive.launchArguments();
			}
			catch (IOException ex) {
				Benchmark.log("No CDS archive for " + absolute + ", nodes start without: " + ex.getMessage());
				return plainLaunch(absolute);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return plainLaunch(absolute);
			}
		});
	}

	/**
	 * Return whether nodes of the given jar start with an archive in this run.
	 */
	static synchronized boolean isUsed(Path jar) {
		List<String> launch = launches.get(jar.toAbsolutePath());
		return launch != null && launch.get(0).startsWith("-XX:SharedArchiveFile=");
	}

	static List<String> plainLaunch(Path jar) {
		return List.of("-jar", jar.toString());
	}

	/**
	 * Return the name of a jar's directory under the base directory: its file name
	 * without {@code .jar}, so that two variants of the sample keep two archives.
	 */
	static String directoryName(Path jar) {
		String name = jar.getFileName().toString();
		return name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
	}

	/**
	 * Return what an archive is valid for: the jar's size and time and the JVM. A JVM
	 * refuses an archive made by another, and one made from other classes is of no use.
	 */
	static String stamp(long jarSize, long jarModifiedMillis, String javaHome, String javaVersion) {
		return "jar " + jarSize + " " + jarModifiedMillis + "\njava " + javaHome + " " + javaVersion + "\n";
	}

	Path extractedJar() {
		return this.directory.resolve(this.jar.getFileName());
	}

	Path archive() {
		return this.directory.resolve(ARCHIVE);
	}

	List<String> extractCommand() {
		return List.of(this.java.toString(), "-Djarmode=tools", "-jar", this.jar.toString(), "extract",
				"--destination", this.directory.toString());
	}

	/**
	 * Return the first node of the training cluster: it only gives the trainee a peer to
	 * dial, and archives nothing.
	 */
	List<String> peerCommand(int port) {
		return nodeCommand(List.of(), port);
	}

	/**
	 * Return the trainee: a node that joins the peer, and whose JVM writes the classes it
	 * loaded to the archive when it is stopped. Started after the peer, it has the higher
	 * id, so it dials (the higher id dials the lower), and the archive holds what a node
	 * loads to start, join and link, not only to refresh its context. The extracted jar is
	 * named by its absolute path, as in {@link #launchArguments()}: the archive records the
	 * class path as given and is refused for another.
	 */
	List<String> trainingCommand(int port) {
		// -Xlog:cds=off: otherwise a line for each class that CDS cannot archive, harmless here
		return nodeCommand(List.of("-XX:ArchiveClassesAtExit=" + archive(), "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
				port);
	}

	private List<String> nodeCommand(List<String> jvmArguments, int port) {
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.addAll(jvmArguments);
		command.addAll(List.of("-jar", extractedJar().toString(), "--server.port=" + port,
				"--server.address=127.0.0.1", "--socketbox.cache.file.directory=" + trainingCache()));
		command.addAll(this.trainingArguments);
		return command;
	}

	private Path trainingCache() {
		return this.directory.resolve("training-cache");
	}

	List<String> launchArguments() {
		return List.of("-XX:SharedArchiveFile=" + archive(), "-jar", extractedJar().toString());
	}

	/**
	 * Extract the jar and make the archive, unless an archive for the same jar and JVM
	 * is there already.
	 */
	void prepare() throws IOException, InterruptedException {
		String stamp = stamp(Files.size(this.jar), Files.getLastModifiedTime(this.jar).toMillis(),
				System.getProperty("java.home"), System.getProperty("java.vm.version"));
		Path stampFile = this.directory.resolve(STAMP);
		if (Files.isRegularFile(archive()) && Files.isRegularFile(stampFile)
				&& Files.readString(stampFile, StandardCharsets.UTF_8).equals(stamp)) {
			Benchmark.log("CDS archive for " + this.jar.getFileName() + " reused from " + this.directory);
			return;
		}
		Benchmark.log("Preparing the CDS archive of " + this.jar + " in " + this.directory + " ...");
		long start = System.nanoTime();
		deleteRecursively(this.directory);
		Files.createDirectories(this.directory);
		// Its log beside the directory: extract wants an empty one
		run(extractCommand(), this.directory.resolveSibling(this.directory.getFileName() + "-extract.log"));
		train();
		if (!Files.isRegularFile(archive())) {
			throw new IOException("the training run wrote no " + archive());
		}
		Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
		Benchmark.log(String.format("CDS archive ready in %.1f s", (System.nanoTime() - start) / 1e9));
	}

	private void train() throws IOException, InterruptedException {
		HttpClient http = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + TRAINING_TIMEOUT_NANOS;
		int peerPort = Target.freePort();
		Node peer = Node.start(peerCommand(peerPort), this.directory, this.directory.resolve("training-peer.log"),
				peerPort);
		try {
			// Registered once it answers: the cluster joins right after the web server starts
			awaitCluster(http, peer, "{", deadline);
			int port = Target.freePort();
			Node trainee = Node.start(trainingCommand(port), this.directory, this.directory.resolve("training.log"),
					port);
			try {
				awaitCluster(http, trainee, SocketBoxTarget.LINK_UP, deadline);
			}
			finally {
				// SIGTERM: the JVM writes the archive (65-70 MB) as it exits, which a kill would lose
				trainee.stop(ARCHIVE_WRITE_TIMEOUT);
			}
		}
		finally {
			peer.stop();
			deleteRecursively(trainingCache());
		}
	}

	private void awaitCluster(HttpClient http, Node node, String part, long deadline)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/cluster"))
			.build();
		while (true) {
			if (!node.isAlive()) {
				throw new IOException("a training node exited with " + node.exitValue() + ", see " + this.directory);
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IOException("the training cluster did not link in time, see " + this.directory);
			}
			try {
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200 && response.body().contains(part)) {
					return;
				}
			}
			catch (IOException ex) {
				// Not accepting yet
			}
			Thread.sleep(100);
		}
	}

	private void run(List<String> command, Path log) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (process.waitFor() != 0) {
			throw new IOException(String.join(" ", command) + " failed, see " + log);
		}
	}

	private static Path currentJava() {
		return Path.of(System.getProperty("java.home"), "bin", "java");
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		List<Path> paths;
		try (Stream<Path> walk = Files.walk(directory)) {
			paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
		}
		for (Path path : paths) {
			Files.delete(path);
		}
	}

}
