package io.socketbox.benchmarks;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CdsArchive}'s command lines and bookkeeping (no process is started).
 */
class CdsArchiveTests {

	private final CdsArchive archive = new CdsArchive(Path.of("/apps/target/sample-app-tomcat.jar"),
			Path.of("/runs/cds/sample-app-tomcat"), Path.of("/jdk/bin/java"), List.of("--socketbox.cache.type=redis"));

	@AfterEach
	void plainLaunchAgain() {
		CdsArchive.useDirectory(null, List.of());
	}

	@Test
	void extractsWithBootsToolsJarModeIntoItsDirectory() {
		assertThat(this.archive.extractCommand()).containsExactly("/jdk/bin/java", "-Djarmode=tools", "-jar",
				"/apps/target/sample-app-tomcat.jar", "extract", "--destination", "/runs/cds/sample-app-tomcat");
		assertThat(this.archive.extractedJar()).hasToString("/runs/cds/sample-app-tomcat/sample-app-tomcat.jar");
	}

	@Test
	void trainingRunArchivesAtExitAndNamesTheJarAsEveryStartDoes() {
		List<String> training = this.archive.trainingCommand(8082);
		assertThat(training).startsWith("/jdk/bin/java",
				"-XX:ArchiveClassesAtExit=/runs/cds/sample-app-tomcat/app.jsa");
		assertThat(training).contains("--server.port=8082").doesNotContain("-Dspring.context.exit=onRefresh");
		List<String> launch = this.archive.launchArguments();
		assertThat(launch).containsExactly("-XX:SharedArchiveFile=/runs/cds/sample-app-tomcat/app.jsa", "-jar",
				"/runs/cds/sample-app-tomcat/sample-app-tomcat.jar");
		// The archive holds the class path as given at training: the same absolute jar path
		assertThat(training.get(training.indexOf("-jar") + 1)).isEqualTo(launch.get(2));
	}

	@Test
	void peerOfTheTrainingRunArchivesNothingAndSharesTheTraineesCache() {
		List<String> peer = this.archive.peerCommand(8081);
		assertThat(peer).noneMatch((argument) -> argument.startsWith("-XX:"));
		assertThat(peer).contains("--server.port=8081",
				"--socketbox.cache.file.directory=/runs/cds/sample-app-tomcat/training-cache");
		assertThat(this.archive.trainingCommand(8082))
			.contains("--socketbox.cache.file.directory=/runs/cds/sample-app-tomcat/training-cache");
		// The nodes' own arguments last, so that they win: the cache the nodes use, for one
		assertThat(peer).endsWith("--socketbox.cache.type=redis");
		assertThat(this.archive.trainingCommand(8082)).endsWith("--socketbox.cache.type=redis");
	}

	@Test
	void eachJarHasADirectoryNamedAfterIt() {
		assertThat(CdsArchive.directoryName(Path.of("/a/sample-app.jar"))).isEqualTo("sample-app");
		assertThat(CdsArchive.directoryName(Path.of("/a/sample-app-tomcat.jar"))).isEqualTo("sample-app-tomcat");
		assertThat(CdsArchive.directoryName(Path.of("/a/app.war"))).isEqualTo("app.war");
	}

	@Test
	void stampChangesWithTheJarOrTheJvm() {
		String stamp = CdsArchive.stamp(1000, 5, "/jdk17", "17.0.15+6");
		assertThat(CdsArchive.stamp(1000, 5, "/jdk17", "17.0.15+6")).isEqualTo(stamp);
		assertThat(CdsArchive.stamp(1001, 5, "/jdk17", "17.0.15+6")).isNotEqualTo(stamp);
		assertThat(CdsArchive.stamp(1000, 6, "/jdk17", "17.0.15+6")).isNotEqualTo(stamp);
		assertThat(CdsArchive.stamp(1000, 5, "/jdk25", "17.0.15+6")).isNotEqualTo(stamp);
		assertThat(CdsArchive.stamp(1000, 5, "/jdk17", "17.0.16+8")).isNotEqualTo(stamp);
	}

	@Test
	void withoutADirectoryNodesStartWithPlainJar() {
		CdsArchive.useDirectory(null, List.of());
		assertThat(CdsArchive.launch(Path.of("/apps/target/sample-app.jar"))).containsExactly("-jar",
				"/apps/target/sample-app.jar");
		assertThat(CdsArchive.isUsed(Path.of("/apps/target/sample-app.jar"))).isFalse();
	}

}
