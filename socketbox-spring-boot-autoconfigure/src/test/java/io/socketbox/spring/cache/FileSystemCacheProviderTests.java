package io.socketbox.spring.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.socketbox.spring.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FileSystemCacheProvider}.
 */
class FileSystemCacheProviderTests extends CacheProviderContractTests {

	@TempDir
	Path tempDir;

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

	@Override
	protected CacheProvider createProvider() {
		return new FileSystemCacheProvider(this.tempDir.resolve("cache"), this.clock);
	}

	@Override
	protected boolean advanceClock(Duration duration) {
		this.clock.advance(duration);
		return true;
	}

	@Override
	protected boolean corruptSet(String key) {
		write(setDirectory(key), "a file where the set's directory belongs");
		return true;
	}

	@Override
	protected boolean corruptValue(String key) {
		write(valueFile(key).resolve("nested").resolve("file"), "a directory where the value's file belongs");
		return true;
	}

	@Test
	void createsMissingDirectories() {
		Path directory = this.tempDir.resolve("a/b/c");
		new FileSystemCacheProvider(directory);
		assertThat(directory).isDirectory();
	}

	@Test
	void createWhenPathIsFileFails() throws IOException {
		Path file = Files.writeString(this.tempDir.resolve("file"), "x");
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> new FileSystemCacheProvider(file))
			.withMessageContaining(file.toString());
	}

	@Test
	void instancesOnSameDirectorySeeEachOthersWrites() {
		Path directory = this.tempDir.resolve("shared");
		FileSystemCacheProvider first = new FileSystemCacheProvider(directory);
		FileSystemCacheProvider second = new FileSystemCacheProvider(directory);
		first.set("socketbox:node/1", "one");
		first.addMember("socketbox:members", "node-1");
		second.addMember("socketbox:members", "node-2");
		assertThat(second.get("socketbox:node/1")).isEqualTo("one");
		assertThat(first.members("socketbox:members")).containsExactlyInAnyOrder("node-1", "node-2");
		second.clear("socketbox:node/1");
		second.removeMember("socketbox:members", "node-1");
		assertThat(first.get("socketbox:node/1")).isNull();
		assertThat(first.members("socketbox:members")).containsExactly("node-2");
	}

	@Test
	void expiryIsSharedBetweenInstances() {
		Path directory = this.tempDir.resolve("shared");
		new FileSystemCacheProvider(directory, this.clock).set("ttl", "value", Duration.ofSeconds(10));
		FileSystemCacheProvider other = new FileSystemCacheProvider(directory, this.clock);
		assertThat(other.get("ttl")).isEqualTo("value");
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(other.get("ttl")).isNull();
	}

	@Test
	void compareAndSetThroughInstancesOnSameDirectoryLosesNoIncrement() {
		Path directory = this.tempDir.resolve("shared");
		List<CompletableFuture<Void>> counters = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			FileSystemCacheProvider provider = new FileSystemCacheProvider(directory);
			counters.add(CompletableFuture.runAsync(() -> FileSystemCounter.increment(provider, "counter", 100)));
		}
		CompletableFuture.allOf(counters.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
		assertThat(new FileSystemCacheProvider(directory).get("counter")).isEqualTo("400");
	}

	@Test
	void compareAndSetFromOtherProcessesLosesNoIncrement() throws Exception {
		Path directory = this.tempDir.resolve("shared");
		List<Process> processes = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
					FileSystemCounter.class.getName(), directory.toString(), "counter", "200")
				.inheritIO()
				.start());
		}
		try {
			FileSystemCounter.increment(new FileSystemCacheProvider(directory), "counter", 200);
			for (Process process : processes) {
				assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
				assertThat(process.exitValue()).isZero();
			}
		}
		finally {
			processes.forEach(Process::destroyForcibly);
		}
		assertThat(new FileSystemCacheProvider(directory).get("counter")).isEqualTo("600");
	}

	@Test
	void setLeavesNoTemporaryFiles() throws IOException {
		provider().set("socketbox:node/1", "one");
		provider().set("socketbox:node/1", "two");
		try (Stream<Path> files = Files.list(this.tempDir.resolve("cache"))) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.containsExactlyInAnyOrder("v-socketbox%3Anode%2F1", ".lock");
		}
	}

	@Test
	void keysThatDifferOnlyInCaseUseDifferentFileNames() {
		assertThat(FileSystemCacheProvider.encode("Node")).isNotEqualToIgnoringCase(FileSystemCacheProvider.encode("node"));
		provider().set("Node", "upper");
		provider().set("node", "lower");
		assertThat(provider().get("Node")).isEqualTo("upper");
		assertThat(provider().get("node")).isEqualTo("lower");
	}

	@Test
	void encodeThenDecodeRestoresName() {
		String name = "socketbox:cluster/Node 1@host:8080?ä=✓%";
		String encoded = FileSystemCacheProvider.encode(name);
		assertThat(encoded).matches("[a-z0-9_%A-F-]+");
		assertThat(FileSystemCacheProvider.decode(encoded)).isEqualTo(name);
	}

	@Test
	void getOfSetKeyReturnsNull() {
		provider().addMember("set", "node-1");
		assertThat(provider().get("set")).isNull();
	}

	@Test
	void setWhenKeyIsTooLongFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> provider().set("k".repeat(300), "value"))
			.withMessageContaining("too long");
	}

	@Test
	void getWhenFileHasNoHeaderFailsWithContentException() {
		Path file = write(valueFile("corrupt"), "no header");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().get("corrupt"))
			.withMessage("Cluster cache key 'corrupt' holds a file without an 'expires=' header line ('" + file
					+ "'), expected a value file");
	}

	@Test
	void getWhenExpiryIsInvalidFailsWithContentException() {
		write(valueFile("corrupt"), "expires=tomorrow\nvalue");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().get("corrupt"))
			.withMessageStartingWith("Cluster cache key 'corrupt' holds a file with the invalid expiry 'tomorrow'");
	}

	@Test
	void membersWhenSetIsFileNamesKeyAndFile() {
		Path file = write(setDirectory("corrupt"), "x");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().members("corrupt"))
			.withMessage("Cluster cache key 'corrupt' holds a file ('" + file + "'), expected a directory of members");
	}

	@Test
	void membersWhenMemberFileNameDoesNotDecodeFailsWithContentException() {
		write(setDirectory("corrupt").resolve("m-%zz"), "");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().members("corrupt"))
			.withMessageStartingWith("Cluster cache key 'corrupt' holds a member file named 'm-%zz'");
	}

	@Test
	void setWhenValueIsDirectoryFailsWithContentException() {
		write(valueFile("corrupt").resolve("file"), "x");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().set("corrupt", "value"))
			.withMessageStartingWith("Cluster cache key 'corrupt' holds a directory");
	}

	private Path valueFile(String key) {
		return this.tempDir.resolve("cache").resolve("v-" + FileSystemCacheProvider.encode(key));
	}

	private Path setDirectory(String key) {
		return this.tempDir.resolve("cache").resolve("s-" + FileSystemCacheProvider.encode(key));
	}

	private static Path write(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			return Files.writeString(file, content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
