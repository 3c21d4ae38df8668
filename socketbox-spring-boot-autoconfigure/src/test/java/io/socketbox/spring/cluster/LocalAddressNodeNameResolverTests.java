package io.socketbox.spring.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalAddressNodeNameResolver}.
 */
class LocalAddressNodeNameResolverTests {

	private static final String PATH = "/socketbox/cluster";

	@Test
	void usesFixedHost() {
		assertThat(new LocalAddressNodeNameResolver("127.0.0.1").resolve(8080, PATH))
			.isEqualTo("ws://127.0.0.1:8080/socketbox/cluster");
	}

	@Test
	void bracketsFixedIpv6Host() {
		assertThat(new LocalAddressNodeNameResolver("::1").resolve(8081, PATH))
			.isEqualTo("ws://[::1]:8081/socketbox/cluster");
	}

	@Test
	void detectsAnAddressOfThisMachine() {
		String name = new LocalAddressNodeNameResolver().resolve(8080, PATH);
		URI uri = URI.create(name);
		assertThat(uri.getScheme()).isEqualTo("ws");
		assertThat(uri.getHost()).isNotBlank();
		assertThat(uri.getPort()).isEqualTo(8080);
		assertThat(uri.getPath()).isEqualTo(PATH);
	}

	@Test
	void picksFirstSiteLocalIpv4Address() throws UnknownHostException {
		List<InetAddress> addresses = List.of(address(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
				address(203, 0, 113, 9), address(169, 254, 1, 1), address(10, 0, 0, 7), address(192, 168, 1, 2));
		assertThat(LocalAddressNodeNameResolver.firstSiteLocalIpv4(addresses)).isEqualTo(address(10, 0, 0, 7));
	}

	@Test
	void noSiteLocalIpv4Address() throws UnknownHostException {
		assertThat(LocalAddressNodeNameResolver.firstSiteLocalIpv4(List.of(address(203, 0, 113, 9)))).isNull();
	}

	private static InetAddress address(int... bytes) throws UnknownHostException {
		byte[] address = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			address[i] = (byte) bytes[i];
		}
		return InetAddress.getByAddress(address);
	}

}
