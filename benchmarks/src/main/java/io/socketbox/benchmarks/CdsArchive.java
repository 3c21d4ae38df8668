package io.socketbox.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spring Boot jar extracted for Class Data Sharing, with the archive of a training run,
 * so that nodes start the way {@code sample-app/run-cluster.sh} starts them (README,
 * "Fast start"): {@code java -Djarmode=tools -jar app.jar extract}, one run with
 * {@code -XX:ArchiveClassesAtExit} and {@code -Dspring.context.exit=onRefresh}, then
 * {@code -XX:SharedArchiveFile} on every start. Works for any Boot jar; an archive is kept
 * while the jar and the JVM stay the same.
 */
final class CdsArchive {

	private static final String ARCHIVE = "app.jsa";

	private static final String STAMP = "stamp";

	/** How each jar is launched in this run, once prepared; guarded by the class. */
	private static final Map<Path, List<String>> launches = new HashMap<>();

	/** Where archives go, or {@code null} while nodes start with plain {@code -jar}. */
	private static Path baseDirectory;

	private final Path jar;

	private final Path directory;

	private final Path java;

	/**
	 * Create a description of the archive of the given jar.
	 * @param jar the Spring Boot executable jar
	 * @param directory where to extract it and keep the archive
	 * @param java the {@code java} launcher that makes the archive and starts the nodes
	 */
	CdsArchive(Path jar, Path directory, Path java) {
		this.jar = jar.toAbsolutePath();
		this.directory = directory.toAbsolutePath();
		this.java = java;
	}

	/**
	 * Have {@link #launch(Path)} start every jar from an archive under the given
	 * directory, or, with {@code null}, with plain {@code -jar}.
	 */
	static synchronized void useDirectory(Path directory) {
		baseDirectory = directory;
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
					currentJava());
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
	 * Return the training run: the application starts, refreshes its context and exits,
	 * and the JVM writes the classes it loaded to the archive. The extracted jar is named
	 * by its absolute path, as in {@link #launchArguments()}: the archive records the class
	 * path as given and is refused for another.
	 */
	List<String> trainingCommand() {
		return List.of(this.java.toString(), "-XX:ArchiveClassesAtExit=" + archive(),
				// Otherwise a line for each class that CDS cannot archive, harmless here
				"-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Dspring.context.exit=onRefresh", "-jar",
				extractedJar().toString(), "--server.port=0", "--server.address=127.0.0.1");
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
		run(trainingCommand(), this.directory.resolve("training.log"));
		if (!Files.isRegularFile(archive())) {
			throw new IOException("the training run wrote no " + archive());
		}
		Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
		Benchmark.log(String.format("CDS archive ready in %.1f s", (System.nanoTime() - start) / 1e9));
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
