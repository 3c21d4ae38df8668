package io.socketbox.benchmarks;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.socketbox.benchmarks.StompFrames.Frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link StompFrames}.
 */
class StompFramesTests {

	@Test
	void bodyCarriesSequenceAndSendTimeInItsSize() {
		String body = StompFrames.body(41, 123_456_789_012L, 64);
		assertThat(body).hasSize(64).startsWith("41,123456789012,");
		assertThat(StompFrames.sequence(body)).isEqualTo(41);
		assertThat(StompFrames.sentAt(body)).isEqualTo(123_456_789_012L);
	}

	@Test
	void warmUpBodiesAreNumberedMinusOne() {
		String body = StompFrames.body(-1, 7, 64);
		assertThat(StompFrames.sequence(body)).isEqualTo(-1);
		assertThat(StompFrames.sentAt(body)).isEqualTo(7);
	}

	@Test
	void bodyLongerThanTheSizeWhenTheNumbersNeedIt() {
		assertThat(StompFrames.body(Long.MAX_VALUE, Long.MAX_VALUE, 8)).isEqualTo(Long.MAX_VALUE + "," + Long.MAX_VALUE + ",");
	}

	@Test
	void parsesAMessageFrame() {
		String message = "MESSAGE\ndestination:/topic/bench\ncontent-type:text/plain;charset=UTF-8\n"
				+ "subscription:0\nmessage-id:a-1\ncontent-length:5\n\nhello\0";
		List<Frame> frames = StompFrames.parse(message);
		assertThat(frames).hasSize(1);
		Frame frame = frames.get(0);
		assertThat(frame.command()).isEqualTo("MESSAGE");
		assertThat(frame.headers()).containsEntry("destination", "/topic/bench")
			.containsEntry("content-type", "text/plain;charset=UTF-8")
			.containsEntry("subscription", "0");
		assertThat(frame.body()).isEqualTo("hello");
	}

	@Test
	void parsesSeveralFramesAndSkipsHeartBeats() {
		List<Frame> frames = StompFrames.parse("\nCONNECTED\nversion:1.2\n\n\0\r\nMESSAGE\na:1\n\nx\0\n");
		assertThat(frames).extracting(Frame::command).containsExactly("CONNECTED", "MESSAGE");
		assertThat(frames.get(1).body()).isEqualTo("x");
		assertThat(StompFrames.parse("\n")).isEmpty();
	}

	@Test
	void parsesCrLfLinesAndEscapedHeaders() {
		Frame frame = StompFrames.parse("ERROR\r\nmessage:a\\cb\\nc\\\\d\r\nmessage:second\r\n\r\nbody\0").get(0);
		assertThat(frame.headers()).isEqualTo(Map.of("message", "a:b\nc\\d"));
		assertThat(frame.body()).isEqualTo("body");
	}

	@Test
	void buildsFramesThatParseBack() {
		Frame send = StompFrames.parse(StompFrames.send("/topic/bench", "1,2,xx")).get(0);
		assertThat(send.command()).isEqualTo("SEND");
		assertThat(send.headers()).containsEntry("destination", "/topic/bench");
		assertThat(send.body()).isEqualTo("1,2,xx");
		Frame subscribe = StompFrames.parse(StompFrames.subscribe("0", "/topic/bench")).get(0);
		assertThat(subscribe.headers()).containsEntry("id", "0").containsEntry("destination", "/topic/bench");
		assertThat(StompFrames.parse(StompFrames.connect()).get(0).headers()).containsEntry("accept-version", "1.2");
	}

	@Test
	void rejectsMalformedFrames() {
		assertThatIllegalArgumentException().isThrownBy(() -> StompFrames.parse("MESSAGE\n\nno nul"));
		assertThatIllegalArgumentException().isThrownBy(() -> StompFrames.parse("MESSAGE\nno empty line\0"));
		assertThatIllegalArgumentException().isThrownBy(() -> StompFrames.parse("MESSAGE\nnocolon\n\n\0"));
		assertThatIllegalArgumentException().isThrownBy(() -> StompFrames.parse("MESSAGE\na:\\t\n\n\0"));
	}

}
