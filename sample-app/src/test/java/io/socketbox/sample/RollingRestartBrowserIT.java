package io.socketbox.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static io.socketbox.sample.SampleNodeProcess.START_TIMEOUT;
import static io.socketbox.sample.SampleNodeProcess.awaitLinked;
import static io.socketbox.sample.SampleNodeProcess.freePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample page ({@code index.html} on {@code client.js}) in headless Chromium behind
 * nginx across a rolling restart (issue 15), in separate processes: three sample nodes,
 * nginx round-robin in front of them (the sample's {@code nginx/nginx.conf}), and one
 * page per user, each opened through nginx. Every page types a numbered chat message
 * into its input and presses Enter, one after the other, while every node in turn gets
 * SIGTERM, is started again on its port, and is linked and ready before the next one
 * stops. A message counts as sent once the page took it (cleared its input): the page's
 * client keeps it until the server acknowledges it, and sends it again after a
 * reconnect. One the page refused stays in the input and is sent again with Enter, as a
 * user would.
 * <p>
 * Asserts that each page's chat history (read from its DOM) holds every message sent,
 * each once, in order per sender, and no line that announces missed messages. Prints
 * what the pages saw: reconnects, resumed sessions, refused sends, and for a message a
 * page does not show, when it was sent and the sender's connection events. Skipped, with
 * the reason, where nginx or Debian's chromium and chromium-driver are missing. Logs in
 * {@code target/process-it/}.
 */
class RollingRestartBrowserIT {

	private static final int NODES = 3;

	private static final List<String> USERS = List.of("alice", "bob", "carol");

	private static final Duration SEND_INTERVAL = Duration.ofMillis(150);

	private static final Duration STEADY = Duration.ofSeconds(3);

	private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(15);

	/** The page's line for a {@code gap} event of the client. */
	private static final String GAP_LINE = "Some messages were missed";

	@RegisterExtension
	final ProcessCluster processes = new ProcessCluster();

	private final List<WebDriver> browsers = new ArrayList<>();

	@AfterEach
	void quitBrowsers() {
		// Each quit also stops that browser's driver; before the nodes go
		this.browsers.forEach(WebDriver::quit);
	}

	@Test
	void everyPageKeepsItsChatHistoryWholeAcrossARollingRestart() throws Exception {
		Optional<String> nginx = NginxBalancer.executable();
		assumeThat(nginx).as("nginx is not installed (apt-get install nginx-light): RollingRestartBrowserIT needs it")
			.isPresent();
		assumeThat(HeadlessChromium.CHROMIUM)
			.as("Debian's chromium is not installed (apt-get install chromium chromium-driver)")
			.exists();
		assumeThat(HeadlessChromium.CHROMEDRIVER)
			.as("Debian's chromium-driver is not installed (apt-get install chromium-driver)")
			.exists();
		long started = System.nanoTime();
		int[] ports = freePorts(NODES + 1);
		List<String> arguments = new ArrayList<>(this.processes.fileCache());
		// Every session started, resumed, handed over and taken over, in the node logs
		arguments.add("--logging.level.io.socketbox.spring.internal.SocketBoxWebSocketHandler=DEBUG");
		List<SampleNodeProcess> nodes = new ArrayList<>();
		for (int i = 0; i < NODES; i++) {
			nodes.add(this.processes.start("browser-node-" + (i + 1) + "a", ports[i], arguments));
		}
		awaitLinked(nodes, START_TIMEOUT);
		nodes.forEach(RollingRestartBrowserIT::awaitReady);
		int balancerPort = ports[NODES];
		NginxBalancer.start(this.processes, nginx.get(), "browser-nginx", balancerPort,
				Arrays.copyOf(ports, NODES));

		List<Page> pages = new ArrayList<>();
		for (String user : USERS) {
			pages.add(new Page(user, open(balancerPort, user)));
		}
		pages.forEach(Page::recordEvents);
		System.out.printf("RollingRestartBrowserIT: nodes, nginx and %d pages up after %.1f s%n", pages.size(),
				(System.nanoTime() - started) / 1e9);
		ScheduledExecutorService typists = Executors.newScheduledThreadPool(pages.size());
		try {
			List<ScheduledFuture<?>> typing = new ArrayList<>();
			for (Page page : pages) {
				typing.add(typists.scheduleWithFixedDelay(page::type, 0, SEND_INTERVAL.toMillis(),
						TimeUnit.MILLISECONDS));
			}
			Thread.sleep(STEADY.toMillis());
			for (int i = 0; i < NODES; i++) {
				SampleNodeProcess old = nodes.get(i);
				long stopping = System.nanoTime();
				old.stop();
				assertThat(old.awaitExit(Duration.ofSeconds(30))).as("%s exits on SIGTERM", old).isTrue();
				SampleNodeProcess restarted = this.processes.start("browser-node-" + (i + 1) + "b", old.port(),
						arguments);
				nodes.set(i, restarted);
				awaitLinked(nodes, START_TIMEOUT);
				awaitReady(restarted);
				System.out.printf("RollingRestartBrowserIT: node %d restarted, %.1f s from SIGTERM to ready%n", i + 1,
						(System.nanoTime() - stopping) / 1e9);
			}
			Thread.sleep(STEADY.toMillis());
			typing.forEach((future) -> future.cancel(false));
		}
		finally {
			typists.shutdown();
		}
		assertThat(typists.awaitTermination(30, TimeUnit.SECONDS)).as("the pages stopped typing").isTrue();
		for (Page page : pages) {
			page.finishTyping();
		}

		Map<String, List<Integer>> sent = new LinkedHashMap<>();
		pages.forEach((page) -> sent.put(page.user, IntStream.rangeClosed(1, page.sent()).boxed().toList()));
		int total = sent.values().stream().mapToInt(List::size).sum();
		for (Page page : pages) {
			try {
				// The assertions below say what is missing, if anything
				await().atMost(HISTORY_TIMEOUT)
					.pollInterval(Duration.ofMillis(500))
					.until(() -> page.chatCount() >= total || !page.history().gaps().isEmpty());
			}
			catch (ConditionTimeoutException ex) {
				System.out.printf("RollingRestartBrowserIT: %s shows %d of %d messages after another %s%n", page,
						page.chatCount(), total, HISTORY_TIMEOUT);
			}
		}
		printWhatThePagesSaw(pages);
		System.out.printf("RollingRestartBrowserIT: took %.1f s%n", (System.nanoTime() - started) / 1e9);
		for (Page page : pages) {
			History history = page.history();
			assertThat(history.gaps()).as("%s's lines saying messages were missed (the history is not whole)", page)
				.isEmpty();
			assertThat(history.bySender()).as("%s's chat history: each sender's numbers", page)
				.containsExactlyInAnyOrderEntriesOf(sent);
			assertThat(history.chat()).as("%s's chat lines, all of them numbered messages of a page", page)
				.hasSize(total);
		}
		assertThat(pages).as("pages that reconnected at least once")
			.allSatisfy((page) -> assertThat((List<?>) page.events().get("closes")).isNotEmpty());
	}

	private static void printWhatThePagesSaw(List<Page> pages) {
		for (Page page : pages) {
			History history = page.history();
			Map<String, Object> events = page.events();
			System.out.printf(
					"RollingRestartBrowserIT: %s sent %d, shows %d chat lines; %s connection closes %s, opens "
							+ "(resumed?) %s; %d sends refused while disconnected; gap lines %s; error lines %s%n",
					page, page.sent(), history.chat().size(), ((List<?>) events.get("closes")).size(),
					events.get("closes"), events.get("opens"), page.refused(), history.gaps(), history.errors());
		}
		for (Page page : pages) {
			Map<String, List<Integer>> shown = page.history().bySender();
			for (Page sender : pages) {
				List<Integer> numbers = shown.getOrDefault(sender.user, List.of());
				IntStream.rangeClosed(1, sender.sent())
					.filter((number) -> !numbers.contains(number))
					.forEach((number) -> System.out.printf(
							"RollingRestartBrowserIT: %s does not show '%s %d', which %s's page took between %s "
									+ "and %s; that page's connection events: %s%n",
							page, sender, number, sender, sender.typed.get(number), sender.taken.get(number),
							sender.events().get("log")));
			}
		}
	}

	private static void awaitReady(SampleNodeProcess node) {
		node.awaitOk("/actuator/health/readiness");
	}

	private WebDriver open(int port, String user) {
		WebDriver browser = HeadlessChromium.start();
		this.browsers.add(browser);
		browser.get("http://127.0.0.1:" + port + "/?user=" + user);
		await().alias(user + "'s page connected")
			.atMost(PAGE_TIMEOUT)
			.until(() -> "connected".equals(browser.findElement(By.id("status")).getText()));
		return browser;
	}

	/**
	 * One user's page and what it typed. {@link #type()} runs on one thread at a time,
	 * the rest once typing has stopped.
	 */
	private static final class Page {

		private final String user;

		private final WebDriver browser;

		private final AtomicInteger sent = new AtomicInteger();

		private final AtomicInteger refused = new AtomicInteger();

		private volatile boolean pending;

		private @Nullable WebElement input;

		/** When typing of each message that was sent began. */
		private final Map<Integer, Instant> typed = new ConcurrentHashMap<>();

		/** When the page had taken each message that was sent (its input was empty). */
		private final Map<Integer, Instant> taken = new ConcurrentHashMap<>();

		private volatile Instant lastTyped = Instant.EPOCH;

		Page(String user, WebDriver browser) {
			this.user = user;
			this.browser = browser;
		}

		/**
		 * Record the client's connection events in the page, from now on.
		 */
		void recordEvents() {
			// The page's own client, in its top-level "socket" binding
			script("""
					const events = window.socketBoxEvents = { closes: [], opens: [], log: [] };
					const log = (text) => events.log.push(new Date().toISOString() + ' ' + text);
					socket.on('close', (event) => { events.closes.push(event.code); log('close ' + event.code); });
					socket.on('open', (event) => {
						events.opens.push(event.resumed);
						log('open ' + (event.resumed ? 'resumed ' : 'new ') + event.session);
					});
					""");
		}

		/**
		 * Type the next numbered message and press Enter; or, while the page still holds
		 * the last one it refused, press Enter again.
		 */
		void type() {
			if (this.input == null) {
				this.input = this.browser.findElement(By.id("text"));
			}
			WebElement input = this.input;
			if (this.pending) {
				input.sendKeys(Keys.ENTER);
			}
			else {
				this.lastTyped = Instant.now();
				input.sendKeys(this.user + " " + (this.sent.get() + 1) + Keys.ENTER);
			}
			// The page clears its input once the client took the message
			this.pending = !input.getDomProperty("value").isEmpty();
			if (this.pending) {
				this.refused.incrementAndGet();
			}
			else {
				int number = this.sent.incrementAndGet();
				this.typed.put(number, this.lastTyped);
				this.taken.put(number, Instant.now());
			}
		}

		/**
		 * Send the message the page still holds, if any, once it is connected again.
		 */
		void finishTyping() {
			if (this.pending) {
				await().alias(this + " sends its last message")
					.atMost(PAGE_TIMEOUT)
					.pollInterval(Duration.ofMillis(200))
					.until(() -> {
						type();
						return !this.pending;
					});
			}
		}

		int sent() {
			return this.sent.get();
		}

		int refused() {
			return this.refused.get();
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> events() {
			return (Map<String, Object>) script("return window.socketBoxEvents;");
		}

		long chatCount() {
			return (Long) script("return document.querySelectorAll('#messages li.chat').length;");
		}

		@SuppressWarnings("unchecked")
		History history() {
			List<List<String>> lines = (List<List<String>>) script(
					"return Array.from(document.querySelectorAll('#messages li'))"
							+ ".map((li) => [li.className, li.lastChild ? li.lastChild.textContent : '']);");
			return new History(lines);
		}

		private Object script(String script) {
			return ((JavascriptExecutor) this.browser).executeScript(script);
		}

		@Override
		public String toString() {
			return this.user;
		}

	}

	/**
	 * A page's lines, each its class and its text after the meta span.
	 */
	private record History(List<List<String>> lines) {

		List<String> chat() {
			return ofClass("chat");
		}

		List<String> gaps() {
			return ofClass("system").stream().filter((text) -> text.startsWith(GAP_LINE)).toList();
		}

		List<String> errors() {
			return ofClass("error");
		}

		/**
		 * The numbers of each sender's chat messages in the order shown.
		 */
		Map<String, List<Integer>> bySender() {
			Map<String, List<Integer>> numbers = new LinkedHashMap<>();
			for (String text : chat()) {
				String[] parts = text.split(" ", 2);
				numbers.computeIfAbsent(parts[0], (sender) -> new ArrayList<>()).add(Integer.valueOf(parts[1]));
			}
			return numbers;
		}

		private List<String> ofClass(String className) {
			return this.lines.stream()
				.filter((line) -> line.get(0).equals(className))
				.map((line) -> line.get(1))
				.toList();
		}

	}

}
