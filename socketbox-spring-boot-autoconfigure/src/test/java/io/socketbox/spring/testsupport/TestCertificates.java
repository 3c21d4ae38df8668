package io.socketbox.spring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

/**
 * Self-signed certificates for tests, made with the JDK's {@code keytool} in a
 * subprocess: each key store holds one key whose certificate names {@code 127.0.0.1}, and
 * a trust store holds the certificates it is given. Every store is PKCS12 with the
 * password {@value #PASSWORD}.
 */
public final class TestCertificates {

	/**
	 * The password of every store.
	 */
	public static final String PASSWORD = "changeit";

	private final Path directory;

	/**
	 * Create certificates in a directory.
	 * @param directory where the stores are written
	 */
	public TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Generate a key with a self-signed certificate for {@code 127.0.0.1}.
	 * @param name the name of the key, also its alias
	 * @return the key store that holds it
	 */
	public Path keyStore(String name) {
		Path keyStore = this.directory.resolve(name + "-key.p12");
		keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
				"-dname", "CN=" + name, "-ext", "san=ip:127.0.0.1", "-keystore", keyStore.toString(), "-storetype",
				"PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
		return keyStore;
	}

	/**
	 * Write a trust store that trusts the certificates of the given keys.
	 * @param name the name of the trust store
	 * @param keyStores key stores made by {@link #keyStore(String)}
	 * @return the trust store
	 */
	public Path trustStore(String name, Path... keyStores) {
		Path trustStore = this.directory.resolve(name + "-trust.p12");
		for (Path keyStore : keyStores) {
			String alias = keyStore.getFileName().toString().replace("-key.p12", "");
			Path certificate = this.directory.resolve(alias + ".crt");
			keytool("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storetype", "PKCS12",
					"-storepass", PASSWORD, "-file", certificate.toString());
			keytool("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-keystore",
					trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
		}
		return trustStore;
	}

	/**
	 * Return the properties of a JKS-style SSL bundle ({@code spring.ssl.bundle.jks.*}).
	 * @param bundle the name of the bundle
	 * @param keyStore the key store, or {@code null} for a bundle with trust only
	 * @param trustStore the trust store
	 * @return the properties
	 */
	public static List<String> bundle(String bundle, @Nullable Path keyStore, Path trustStore) {
		String prefix = "spring.ssl.bundle.jks." + bundle + ".";
		List<String> properties = new ArrayList<>();
		if (keyStore != null) {
			properties.addAll(List.of(prefix + "keystore.location=file:" + keyStore,
					prefix + "keystore.password=" + PASSWORD, prefix + "keystore.type=PKCS12"));
		}
		properties.addAll(List.of(prefix + "truststore.location=file:" + trustStore,
				prefix + "truststore.password=" + PASSWORD, prefix + "truststore.type=PKCS12"));
		return properties;
	}

	/**
	 * Create an SSL context for a client from the given stores.
	 * @param keyStore the client's key, or {@code null} for none
	 * @param trustStore the certificates it trusts
	 * @return the SSL context
	 */
	public static SSLContext sslContext(@Nullable Path keyStore, Path trustStore) {
		try {
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init((keyStore != null) ? load(keyStore) : null, PASSWORD.toCharArray());
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(load(trustStore));
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyStore load(Path path) throws GeneralSecurityException, IOException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	private static void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run keytool", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
