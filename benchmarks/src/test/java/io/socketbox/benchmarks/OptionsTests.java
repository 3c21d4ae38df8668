package io.socketbox.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Options}.
 */
class OptionsTests {

	@Test
	void defaultsRunEverythingInFull() {
		Options options = Options.parse();
		assertThat(options.scenarios()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
		assertThat(options.quick()).isFalse();
		assertThat(options.idleConnections()).isEqualTo(10_000);
		assertThat(options.growthSizes()).containsExactly(2, 3, 4, 5);
		assertThat(options.growthReceivers()).containsExactly(200, 2_000, 10_000);
		assertThat(options.stuckCutLimit()).hasSeconds(150);
		assertThat(options.clusterViewConnections()).isEqualTo(10_000);
		assertThat(options.rpcCalls()).isEqualTo(2_000);
		assertThat(options.container()).isEqualTo(Options.Container.JETTY);
		assertThat(options.sampleJar()).isAbsolute();
		assertThat(options.sampleJar().toString()).endsWith("sample-app/target/sample-app.jar");
	}

	@Test
	void stompSystemsDefaultToAllThreeAndRefuseAnUnknownOne() {
		assertThat(Options.parse().stompSystems()).containsExactly("socketbox", "relay", "simple");
		assertThat(Options.parse("--stomp-systems", "socketbox, simple").stompSystems())
			.containsExactly("socketbox", "simple");
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--stomp-systems", "socketbox,activemq"))
			.withMessageContaining("activemq");
	}

	@Test
	void tomcatContainerPicksTheTomcatJar() {
		Options options = Options.parse("--container", "tomcat");
		assertThat(options.container()).isEqualTo(Options.Container.TOMCAT);
		assertThat(options.container().displayName()).isEqualTo("Tomcat");
		assertThat(options.sampleJar().toString()).endsWith("sample-app/target/sample-app-tomcat.jar");
	}

	@Test
	void explicitSampleJarWinsOverTheContainersJar() {
		Options options = Options.parse("--sample-jar", "/tmp/other.jar", "--container", "tomcat");
		assertThat(options.sampleJar()).hasToString("/tmp/other.jar");
		assertThat(options.container()).isEqualTo(Options.Container.TOMCAT);
	}

	@Test
	void quickSelectionOfScenarios() {
		Options options = Options.parse("--quick", "--scenarios", "4,1", "--repeat", "3", "--node-jvm-args",
				"-Xmx512m -XX:+UseParallelGC");
		assertThat(options.scenarios()).containsExactly(1, 4);
		assertThat(options.repeat()).isEqualTo(3);
		assertThat(options.measure()).hasSeconds(3);
		assertThat(options.nodeJvmArguments()).isEqualTo(List.of("-Xmx512m", "-XX:+UseParallelGC"));
	}

	@Test
	void clusterViewScenarioIsNine() {
		Options options = Options.parse("--quick", "--scenarios", "9,1");
		assertThat(options.scenarios()).containsExactly(1, 9);
		assertThat(options.clusterViewConnections()).isEqualTo(1_000);
		assertThat(options.rpcWarmup()).isLessThan(options.rpcCalls());
	}

	@Test
	void stompScenarioIsTenWithItsChartInDocs() {
		Options options = Options.parse("--quick", "--scenarios", "10");
		assertThat(options.scenarios()).containsExactly(10);
		assertThat(options.stompChart()).isAbsolute();
		assertThat(options.stompChart().toString()).endsWith("docs/benchmarks-stomp.svg");
		assertThat(Options.parse("--stomp-chart", "/tmp/chart.svg").stompChart()).hasToString("/tmp/chart.svg");
	}

	@Test
	void stuckBrowserScenarioIsEight() {
		Options options = Options.parse("--quick", "--scenarios", "8");
		assertThat(options.scenarios()).containsExactly(8);
		assertThat(options.stuckCutLimit()).hasSeconds(30);
	}

	@Test
	void growthChartsGoNextToTheStompChart() {
		Options options = Options.parse("--quick", "--stomp-chart", "/tmp/charts/stomp.svg");
		assertThat(options.growthChart("nodes")).hasToString("/tmp/charts/benchmarks-growth-nodes.svg");
		assertThat(Options.parse().growthChart("receivers").toString())
			.endsWith("docs/benchmarks-growth-receivers.svg");
		assertThat(options.growthReceivers()).containsExactly(200, 1_000);
		assertThat(options.growthMeasure()).isLessThan(Options.parse().growthMeasure());
	}

	@Test
	void rollingRestartIsElevenAndRunsOnlyWhenAskedFor() {
		assertThat(Options.parse().scenarios()).doesNotContain(11);
		Options options = Options.parse("--quick", "--scenarios", "11");
		assertThat(options.scenarios()).containsExactly(11);
		RollingRestart.Settings quick = options.rollingRestart();
		RollingRestart.Settings full = Options.parse("--scenarios", "11").rollingRestart();
		assertThat(quick.clients()).isEqualTo(full.clients()).isEqualTo(100);
		assertThat(full.directClients()).isEqualTo(10);
		assertThat(full.broadcastRatePerNode() * RollingRestart.NODES).isEqualTo(100);
		assertThat(full.directRatePerNode() * RollingRestart.NODES).isEqualTo(10);
		assertThat(quick.steady()).isLessThan(full.steady());
	}

	@Test
	void everyScenarioButStompNeedsTheSample() {
		assertThat(Options.parse("--scenarios", "10").needsSample()).isFalse();
		assertThat(Options.parse("--scenarios", "11").needsSample()).isTrue();
		assertThat(Options.parse("--scenarios", "6,11").needsSample()).isTrue();
		assertThat(Options.parse().needsSample()).isTrue();
	}

	@Test
	void rejectsUnknownScenarioAndOption() {
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--scenarios", "0"));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--scenarios", "12"));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--fast"));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--container", "undertow"));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--container"));
	}

	@Test
	void nodesStartWithTheCdsArchiveUnlessTurnedOff() {
		assertThat(Options.parse().cds()).isTrue();
		assertThat(Options.parse("--quick", "--no-cds").cds()).isFalse();
	}

	@Test
	void warmupDependsOnTheModeUnlessGiven() {
		assertThat(Options.parse().warmup()).hasSeconds(30);
		assertThat(Options.parse("--quick").warmup()).hasSeconds(1);
		assertThat(Options.parse("--warmup", "10").warmup()).hasSeconds(10);
		assertThat(Options.parse("--quick", "--warmup", "0").warmup()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--warmup", "-1"));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--warmup"));
	}

}
