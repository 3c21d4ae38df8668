package io.socketbox.spring.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SerializedOriginInterceptor}: what browsers send passes on to Spring's
 * origin check ({@code OriginHeaderTests} covers what is refused, end to end).
 */
class SerializedOriginInterceptorTests {

	@ParameterizedTest
	@ValueSource(strings = { "http://example.com", "https://example.com", "https://chat.example.com:8443",
			"http://127.0.0.1:8081", "http://localhost:65535", "http://[::1]:8080", "https://[2001:db8::1]",
			"http://xn--bcher-kva.example", "http://my_host.internal", "chrome-extension://abcdefghijklmnop",
			"app+v1.x-y://host", "null" })
	void browserOriginsAreSerializedOrigins(String origin) {
		assertThat(SerializedOriginInterceptor.isSerializedOrigin(origin)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "NULL", "http://localhost:65536", "http://localhost:0080a", "http://[::1",
			"http://example.com/", "http://user@example.com", "http://ex ample.com", "https://bücher.example" })
	void otherValuesAreNot(String origin) {
		assertThat(SerializedOriginInterceptor.isSerializedOrigin(origin)).isFalse();
	}

}
