package io.socketbox.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Wire} and {@link Payload}: what the generator writes and how it reads
 * the frames of both systems.
 */
class WireTests {

	@Test
	void payloadHasFixedSizeAndCarriesItsSendTime() {
		String text = Payload.create(123456789012345L, 7);
		assertThat(text).hasSize(Payload.SIZE).startsWith("123456789012345,7,");
		assertThat(Payload.sentAt("{\"type\":\"chat\",\"from\":\"a.1\",\"node\":\"n\",\"text\":\"" + text + "\"}"))
			.isEqualTo(123456789012345L);
		assertThat(Payload.sentAt("42[\"chat\",{\"from\":\"x\",\"node\":\"n\",\"text\":\"" + text + "\"}]"))
			.isEqualTo(123456789012345L);
		assertThat(Payload.sentAt("{\"type\":\"welcome\"}")).isEqualTo(-1);
	}

	@Test
	void socketBoxFrames() {
		Wire wire = Wire.SOCKETBOX;
		assertThat(wire.chat("hi")).isEqualTo("{\"type\":\"chat\",\"text\":\"hi\"}");
		assertThat(wire.direct("n.1", "hi")).isEqualTo("{\"type\":\"direct\",\"to\":\"n.1\",\"text\":\"hi\"}");
		String welcome = "{\"type\":\"welcome\",\"connection\":\"abc.12\",\"node\":\"ws://x\"}";
		assertThat(wire.read(welcome)).isEqualTo(Wire.Frame.WELCOME);
		assertThat(wire.connectionId(welcome)).isEqualTo("abc.12");
		assertThat(wire.read("{\"type\":\"chat\",\"from\":\"a\",\"node\":\"n\",\"text\":\"t\"}"))
			.isEqualTo(Wire.Frame.MESSAGE);
		assertThat(wire.read("{\"type\":\"direct\",\"from\":\"a\",\"text\":\"t\"}")).isEqualTo(Wire.Frame.MESSAGE);
		assertThat(wire.read("{\"type\":\"error\",\"message\":\"m\"}")).isEqualTo(Wire.Frame.ERROR);
		assertThat(wire.reply("{\"type\":\"error\"}")).isNull();
	}

	@Test
	void socketIoFrames() {
		Wire wire = Wire.SOCKET_IO;
		assertThat(wire.path()).isEqualTo("/socket.io/?EIO=4&transport=websocket");
		assertThat(wire.reply("0{\"sid\":\"s\",\"pingInterval\":25000,\"pingTimeout\":20000}")).isEqualTo("40");
		assertThat(wire.reply("2")).isEqualTo("3");
		assertThat(wire.reply("40{\"sid\":\"s\"}")).isNull();
		assertThat(wire.chat("hi")).isEqualTo("42[\"chat\",\"hi\"]");
		assertThat(wire.direct("id1", "hi")).isEqualTo("42[\"direct\",{\"to\":\"id1\",\"text\":\"hi\"}]");
		String welcome = "42[\"welcome\",{\"id\":\"Zx9-_a\",\"node\":\"socketio://x\"}]";
		assertThat(wire.read(welcome)).isEqualTo(Wire.Frame.WELCOME);
		assertThat(wire.connectionId(welcome)).isEqualTo("Zx9-_a");
		assertThat(wire.read("42[\"chat\",{\"from\":\"a\",\"node\":\"n\",\"text\":\"t\"}]")).isEqualTo(Wire.Frame.MESSAGE);
		assertThat(wire.read("2")).isEqualTo(Wire.Frame.OTHER);
	}

}
