package io.socketbox.sample;

import java.util.Map;

import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.connector.Connector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's idle-connection tuning, switched on, on a running server: every buffer
 * is small, and messages larger than them still arrive whole.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { IdleConnectionTuning.ENABLED_PROPERTY + "=true",
				"socketbox.cache.file.directory=${java.io.tmpdir}/socketbox-sample-tests-${random.uuid}" })
class IdleConnectionTuningServerOnTomcatTests {

	private static final String BUFFER_SIZE = WebSocketBufferSizePostProcessor.BUFFER_SIZE_PROPERTY;

	private static @Nullable String bufferSizeBefore;

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper jsonMapper;

	@Autowired
	private ServerContainer serverContainer;

	@Autowired
	private WebServerApplicationContext context;

	@BeforeAll
	static void clearBufferSize() {
		bufferSizeBefore = System.clearProperty(BUFFER_SIZE);
	}

	@AfterAll
	static void restoreBufferSize() {
		if (bufferSizeBefore != null) {
			System.setProperty(BUFFER_SIZE, bufferSizeBefore);
		}
		else {
			System.clearProperty(BUFFER_SIZE);
		}
	}

	@Test
	void lowersEveryBuffer() {
		String size = Integer.toString(IdleConnectionTuning.BUFFER_SIZE);
		assertThat(System.getProperty(BUFFER_SIZE)).isEqualTo(size);
		assertThat(this.serverContainer.getDefaultMaxTextMessageBufferSize()).isEqualTo(IdleConnectionTuning.BUFFER_SIZE);
		assertThat(this.serverContainer.getDefaultMaxBinaryMessageBufferSize())
			.isEqualTo(IdleConnectionTuning.BUFFER_SIZE);
		Connector connector = ((TomcatWebServer) this.context.getWebServer()).getTomcat().getConnector();
		assertThat(connector.getProperty("socket.appReadBufSize")).hasToString(size);
		assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString(size);
	}

	@Test
	void chatLargerThanTheConnectionBuffersArrivesWhole() throws Exception {
		// 10,080 UTF-16 characters, some of them surrogate pairs or several UTF-8 bytes long:
		// with 1 K buffers this one goes in parts both ways
		String text = "large – ünïcode 😀 chat ".repeat(420);
		assertThat(this.serverContainer.getDefaultMaxTextMessageBufferSize()).as("server text buffer")
			.isLessThan(text.length());
		try (ChatClient alice = ChatClient.connect(this.jsonMapper, this.port);
				ChatClient bob = ChatClient.connect(this.jsonMapper, this.port)) {
			alice.next("welcome");
			bob.next("welcome");
			alice.send(this.jsonMapper.writeValueAsString(Map.of("type", "chat", "text", text)));
			for (ChatClient client : new ChatClient[] { alice, bob }) {
				assertThat(client.next("chat").path("text").asString()).isEqualTo(text);
			}
		}
	}

}
