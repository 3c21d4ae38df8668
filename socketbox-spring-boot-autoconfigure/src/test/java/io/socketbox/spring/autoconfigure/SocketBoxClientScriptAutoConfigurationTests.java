package io.socketbox.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.testsupport.TestServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SocketBoxClientScriptAutoConfiguration}: which applications get
 * {@code client.js}, and what a real HTTP client gets from a started server.
 */
class SocketBoxClientScriptAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class,
				SocketBoxClientScriptAutoConfiguration.class));

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void servesTheScriptBesideAnActiveEndpoint() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ClientScriptRequestHandler.class);
			SimpleUrlHandlerMapping mapping = context.getBean("socketBoxClientScriptHandlerMapping",
					SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/ws/client.js");
			assertThat(mapping.getOrder()).isLessThan(1);
		});
	}

	@Test
	void followsSocketBoxPath() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.path=/chat/socket/")
			.run((context) -> assertThat(context.getBean("socketBoxClientScriptHandlerMapping",
					SimpleUrlHandlerMapping.class)
				.getUrlMap()).containsOnlyKeys("/chat/socket/client.js"));
	}

	@Test
	void backsOffWithoutTheEndpoint() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ClientScriptRequestHandler.class)
			.doesNotHaveBean("socketBoxClientScriptHandlerMapping"));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class,
					SocketBoxClientScriptAutoConfiguration.class))
			.withUserConfiguration(HandlerConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClientScriptRequestHandler.class));
	}

	@Test
	void backsOffForTheApplicationsOwnMapping() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class, OwnMappingConfiguration.class)
			.run((context) -> assertThat(context.getBean("socketBoxClientScriptHandlerMapping")).isInstanceOf(
					SimpleUrlHandlerMapping.class)
				.extracting((mapping) -> ((SimpleUrlHandlerMapping) mapping).getUrlMap())
				.isEqualTo(OwnMappingConfiguration.URLS));
	}

	@Test
	void startedServerServesTheScriptWithTypeCachingAndValidators() throws Exception {
		byte[] script = classpathScript();
		try (ConfigurableApplicationContext app = runApplication()) {
			HttpResponse<byte[]> response = get(app, "/ws/client.js", List.of());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo(script);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript");
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
			assertThat(response.headers().firstValue("Last-Modified")).isEmpty();
			String etag = response.headers().firstValue("ETag").orElseThrow();
			assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");

			HttpResponse<byte[]> revalidated = get(app, "/ws/client.js", List.of("If-None-Match", etag));
			assertThat(revalidated.statusCode()).isEqualTo(304);
			assertThat(revalidated.body()).isEmpty();
			HttpResponse<byte[]> changed = get(app, "/ws/client.js", List.of("If-None-Match", "\"other\""));
			assertThat(changed.statusCode()).isEqualTo(200);
			assertThat(changed.body()).isEqualTo(script);
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		}
	}

	@Test
	void startedServerLetsAPageOfAnotherOriginLoadItAsAModule() throws Exception {
		try (ConfigurableApplicationContext app = runApplication()) {
			HttpResponse<byte[]> response = get(app, "/ws/client.js", List.of("Origin", "https://pages.example"));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
			assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
		}
	}

	@Test
	void scriptIsAscii() throws IOException {
		// Served without a charset: a classic script is decoded in the page's
		for (byte b : classpathScript()) {
			assertThat(b).isBetween((byte) 0, (byte) 0x7f);
		}
	}

	@Test
	void startedServerAnswersHeadAndRefusesOtherMethods() throws Exception {
		try (ConfigurableApplicationContext app = runApplication()) {
			HttpResponse<byte[]> head = send(app,
					HttpRequest.newBuilder(uri(app, "/ws/client.js")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
			assertThat(head.statusCode()).isEqualTo(200);
			assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(classpathScript().length);
			assertThat(head.body()).isEmpty();
			HttpResponse<byte[]> post = send(app,
					HttpRequest.newBuilder(uri(app, "/ws/client.js")).POST(HttpRequest.BodyPublishers.ofString("x")));
			assertThat(post.statusCode()).isEqualTo(405);
		}
	}

	@Test
	void startedServerServesItUnderACustomPathAndLeavesTheRestAlone() throws Exception {
		try (ConfigurableApplicationContext app = runApplication("socketbox.path=/chat/socket")) {
			assertThat(get(app, "/chat/socket/client.js", List.of()).statusCode()).isEqualTo(200);
			assertThat(get(app, "/ws/client.js", List.of()).statusCode()).isEqualTo(404);
			assertThat(get(app, "/chat/socket/other.js", List.of()).statusCode()).isEqualTo(404);
			assertThat(get(app, "/chat/socket/client.js/x", List.of()).statusCode()).isEqualTo(404);
			// The application's own controllers are untouched
			HttpResponse<byte[]> hello = get(app, "/hello", List.of());
			assertThat(hello.statusCode()).isEqualTo(200);
			assertThat(new String(hello.body())).isEqualTo("hello");
		}
	}

	private static byte[] classpathScript() throws IOException {
		try (InputStream in = new ClassPathResource("io/socketbox/spring/client/client.js").getInputStream()) {
			return in.readAllBytes();
		}
	}

	private static ConfigurableApplicationContext runApplication(String... properties) {
		return new SpringApplicationBuilder(ScriptApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private HttpResponse<byte[]> get(ConfigurableApplicationContext app, String path, List<String> headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(app, path)).GET();
		for (int i = 0; i < headers.size(); i += 2) {
			request.header(headers.get(i), headers.get(i + 1));
		}
		return send(app, request);
	}

	private HttpResponse<byte[]> send(ConfigurableApplicationContext app, HttpRequest.Builder request)
			throws IOException, InterruptedException {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static URI uri(ConfigurableApplicationContext app, String path) {
		int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return URI.create("http://127.0.0.1:" + port + path);
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		SocketBoxHandler handler() {
			return new SocketBoxHandler() {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnMappingConfiguration {

		static final Map<String, Object> URLS = Map.of("/js/socketbox.js", new Object());

		@Bean
		SimpleUrlHandlerMapping socketBoxClientScriptHandlerMapping() {
			return new SimpleUrlHandlerMapping(URLS);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestServers.class)
	@RestController
	static class ScriptApplication {

		@Bean
		SocketBoxHandler handler() {
			return new SocketBoxHandler() {
			};
		}

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
