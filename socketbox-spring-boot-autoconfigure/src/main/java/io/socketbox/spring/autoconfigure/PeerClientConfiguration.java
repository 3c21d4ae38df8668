package io.socketbox.spring.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * The client with which a cluster node dials the others: TLS from the SSL bundle that
 * {@code socketbox.cluster.ssl.bundle} names, then every
 * {@link SocketBoxPeerClientCustomizer}. An application replaces it with a bean of its
 * own named {@value #BEAN_NAME}. It is no default candidate for injection, so that it
 * never competes with a {@code WebSocketClient} the application has for other uses.
 */
@Configuration(proxyBeanMethods = false)
class PeerClientConfiguration {

	/**
	 * The name of the peer client bean.
	 */
	static final String BEAN_NAME = "socketBoxPeerWebSocketClient";

	private static final Log logger = LogFactory.getLog(PeerClientConfiguration.class);

	private static final String BUNDLE_PROPERTY = "socketbox.cluster.ssl.bundle";

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = BEAN_NAME)
	PeerWebSocketContainer socketBoxPeerWebSocketContainer() {
		return new PeerWebSocketContainer();
	}

	@Bean(name = BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = BEAN_NAME)
	StandardWebSocketClient socketBoxPeerWebSocketClient(SocketBoxProperties properties,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<SocketBoxPeerClientCustomizer> customizers,
			@Qualifier("socketBoxPeerWebSocketContainer") PeerWebSocketContainer container) {
		StandardWebSocketClient client = new StandardWebSocketClient(container.get());
		String bundleName = properties.getCluster().getSsl().getBundle();
		if (StringUtils.hasText(bundleName)) {
			applyBundle(client, bundleName.trim(), sslBundles.getIfAvailable());
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(client));
		return client;
	}

	private static void applyBundle(StandardWebSocketClient client, String bundleName,
			@Nullable SslBundles sslBundles) {
		if (sslBundles == null) {
			throw new InvalidConfigurationPropertyValueException(BUNDLE_PROPERTY, bundleName,
					"No SslBundles bean is available: let Spring Boot's SslAutoConfiguration run, or remove "
							+ BUNDLE_PROPERTY);
		}
		try {
			client.setSslContext(sslBundles.getBundle(bundleName).createSslContext());
			// A bundle with reload-on-update applies to the next dial, not to links already up
			sslBundles.addBundleUpdateHandler(bundleName, (SslBundle updated) -> {
				client.setSslContext(updated.createSslContext());
				logger.info("SSL bundle '" + bundleName + "' changed: links to other nodes dialed from now on use it");
			});
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(BUNDLE_PROPERTY, bundleName,
					"There is no SSL bundle named '" + bundleName + "': define it under spring.ssl.bundle.jks."
							+ bundleName + ".* or spring.ssl.bundle.pem." + bundleName + ".*, or name one of "
							+ sslBundles.getBundleNames());
		}
	}

}
