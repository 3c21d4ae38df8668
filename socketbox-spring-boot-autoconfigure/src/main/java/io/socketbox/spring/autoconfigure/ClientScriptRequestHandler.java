package io.socketbox.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

/**
 * Serves {@code client.js} from the jar with Spring's resource handling (GET and HEAD,
 * conditional requests, ranges). The URL carries no version, so a browser revalidates
 * on every load ({@code Cache-Control: no-cache}) against an ETag of the content and gets
 * a 304 until the application ships another client; the jar entry's time is not used,
 * since reproducible builds give every version the same one. Any origin may read it
 * (CORS), as it is the same public file for all.
 */
final class ClientScriptRequestHandler extends ResourceHttpRequestHandler {

	static final String FILENAME = "client.js";

	private static final String LOCATION = "io/socketbox/spring/client/";

	/**
	 * As RFC 9239 registers it; the script is ASCII, so it reads the same in whatever
	 * charset the page decodes it with.
	 */
	static final MediaType MEDIA_TYPE = new MediaType("text", "javascript");

	private final Resource script = new ClassPathResource(LOCATION + FILENAME,
			ClientScriptRequestHandler.class.getClassLoader());

	ClientScriptRequestHandler() {
		setLocations(List.of(new ClassPathResource(LOCATION, ClientScriptRequestHandler.class.getClassLoader())));
		setMediaTypes(Map.of("js", MEDIA_TYPE));
		setCacheControl(CacheControl.noCache());
		setUseLastModified(false);
		// The same public file for every page: a page of another origin may load it as a
		// module script, which is fetched in CORS mode
		CorsConfiguration cors = new CorsConfiguration();
		cors.addAllowedOrigin(CorsConfiguration.ALL);
		cors.setAllowedMethods(List.of("GET", "HEAD"));
		setCorsConfiguration(cors);
		String etag = contentHash(this.script);
		setEtagGenerator((resource) -> etag);
	}

	@Override
	protected Resource getResource(HttpServletRequest request) {
		return this.script;
	}

	private static String contentHash(Resource resource) {
		try (InputStream in = resource.getInputStream()) {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + resource, ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
