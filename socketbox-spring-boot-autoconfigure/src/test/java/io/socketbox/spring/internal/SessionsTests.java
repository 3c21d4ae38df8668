package io.socketbox.spring.internal;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link Sessions} on sessions that are not Tomcat's; Tomcat's are covered by
 * the tests that watch the socket end (PendingPeerHandshakeTests).
 */
class SessionsTests {

	@Test
	void closesOtherSessionsTheRegularWay() throws IOException {
		WebSocketSession session = mock(WebSocketSession.class);
		Sessions.closeNow(session, CloseStatus.POLICY_VIOLATION);
		verify(session).close(CloseStatus.POLICY_VIOLATION);
	}

	@Test
	void neverThrows() throws IOException {
		WebSocketSession session = mock(WebSocketSession.class);
		willThrow(new IOException("gone")).given(session).close(CloseStatus.POLICY_VIOLATION);
		assertThatNoException().isThrownBy(() -> Sessions.closeNow(session, CloseStatus.POLICY_VIOLATION));
	}

}
