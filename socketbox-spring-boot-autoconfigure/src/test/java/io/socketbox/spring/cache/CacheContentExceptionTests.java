package io.socketbox.spring.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheContentException}.
 */
class CacheContentExceptionTests {

	@Test
	void messageNamesKeyFoundAndExpected() {
		CacheContentException ex = new CacheContentException("socketbox:members", "a string", "a set", null);
		assertThat(ex).hasMessage("Cluster cache key 'socketbox:members' holds a string, expected a set");
		assertThat(ex.getKey()).isEqualTo("socketbox:members");
		assertThat(ex.getFound()).isEqualTo("a string");
	}

	@Test
	void messageEscapesControlCharactersOfKeyAndFound() {
		CacheContentException ex = new CacheContentException("key\r\n", "'x\nWARN forged line'", "a set", null);
		assertThat(ex).hasMessage("Cluster cache key 'key\\u000d\\u000a' holds 'x\\u000aWARN forged line', expected a set");
		assertThat(ex.getKey()).isEqualTo("key\r\n");
	}

}
