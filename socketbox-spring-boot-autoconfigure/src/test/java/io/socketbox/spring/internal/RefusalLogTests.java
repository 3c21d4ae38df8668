package io.socketbox.spring.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RefusalLog}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTests {

	@Test
	void logsTheFirstRefusalAtOnceAndNoMoreWithinTheInterval(CapturedOutput output) {
		RefusalLog log = new RefusalLog(Duration.ofHours(1));
		for (int i = 0; i < 100; i++) {
			log.refused("connection(s) to /first", "full");
		}
		assertThat(output).containsOnlyOnce("Refused ")
			.contains("Refused 1 connection(s) to /first: full; refusals are logged at most every 3600 s");
	}

	@Test
	void nextLineCountsTheRefusalsSinceTheLastOne(CapturedOutput output) {
		RefusalLog log = new RefusalLog(Duration.ofMillis(200));
		log.refused("connection(s) to /next", "full");
		Pattern next = Pattern.compile("Refused (\\d+) connection\\(s\\) to /next in the last 200 ms: full");
		Matcher matcher = await().atMost(Duration.ofSeconds(5)).until(() -> {
			log.refused("connection(s) to /next", "full");
			return next.matcher(output.toString());
		}, Matcher::find);
		assertThat(Integer.parseInt(matcher.group(1))).isGreaterThan(1);
		assertThat(output).containsOnlyOnce("Refused 1 connection(s) to /next: full");
	}

}
