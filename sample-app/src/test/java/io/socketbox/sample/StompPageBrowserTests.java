package io.socketbox.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The STOMP page ({@code stomp.html}, with its own STOMP client, nothing from a CDN) in
 * a real headless Chromium, driven by Selenium through Debian's {@code chromium} and
 * {@code chromium-driver} ({@code .ci/run} installs them): two nodes, alice on the first,
 * bob on the second and on the first. A chat typed by alice shows on every page with her
 * name and node; a direct message to bob shows on both his pages, on alice's node and
 * on the other.
 */
class StompPageBrowserTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	@TempDir
	Path cacheDirectory;

	private StompNodes nodes;

	private final List<WebDriver> browsers = new ArrayList<>();

	@BeforeEach
	void start() {
		assertThat(HeadlessChromium.CHROMIUM).as("Debian's chromium: apt-get install chromium chromium-driver")
			.exists();
		assertThat(HeadlessChromium.CHROMEDRIVER).as("Debian's chromium-driver: apt-get install chromium chromium-driver")
			.exists();
		this.nodes = new StompNodes(this.cacheDirectory);
	}

	@AfterEach
	void stop() {
		// Each quit also stops that browser's driver
		this.browsers.forEach(WebDriver::quit);
		if (this.nodes != null) {
			this.nodes.close();
		}
	}

	@Test
	void pagesOnTwoNodesChatAndSendDirectMessages() {
		List<ConfigurableApplicationContext> cluster = this.nodes.start(2);
		ConfigurableApplicationContext first = cluster.get(0);
		ConfigurableApplicationContext second = cluster.get(1);
		int subscriptionsBefore = StompNodes.broker(first).getLocalSubscriptionCount();
		WebDriver alice = open(first, "alice");
		WebDriver bobHere = open(first, "bob");
		WebDriver bobThere = open(second, "bob");
		// Each page subscribes to the chat, its direct queue and its errors
		await().atMost(TIMEOUT)
			.until(() -> StompNodes.broker(first).getLocalSubscriptionCount() == subscriptionsBefore + 6);
		StompNodes.awaitInterest(first, second, "/topic/chat");
		String firstNode = StompNodes.cluster(first).getNodeName();
		assertThat(alice.findElement(By.id("node")).getText()).isEqualTo(firstNode);
		Object resources = ((JavascriptExecutor) alice)
			.executeScript("return performance.getEntriesByType('resource').map((e) => e.name);");
		assertThat((List<?>) resources).as("everything from the node itself, nothing from a CDN")
			.isNotEmpty()
			.allSatisfy((url) -> assertThat(url.toString()).startsWith("http://127.0.0.1:" + StompNodes.port(first) + "/"));

		String chat = "say \"hi\" to <b>bob</b> & ü";
		send(alice, chat, "");
		for (WebDriver page : List.of(alice, bobHere, bobThere)) {
			WebElement item = awaitItem(page, "chat", 1).get(0);
			assertThat(item.findElement(By.className("meta")).getText().strip()).isEqualTo("alice @ " + firstNode);
			assertThat(item.findElement(By.className("text")).getText()).isEqualTo(chat);
			assertThat(item.findElements(By.tagName("b"))).as("shown as text, not HTML").isEmpty();
		}

		// A lone surrogate: the browser's WebSocket sends U+FFFD for it
		((JavascriptExecutor) alice).executeScript("document.getElementById('text').value = 'x\\uD800y';");
		alice.findElement(By.cssSelector("#send button")).click();
		assertThat(awaitItem(bobThere, "chat", 2).get(1).findElement(By.className("text")).getText())
			.isEqualTo("x\uFFFDy");

		send(alice, "for bob only", "bob");
		WebElement direct = awaitItem(bobHere, "direct", 1).get(0);
		assertThat(direct.findElement(By.className("meta")).getText().strip()).isEqualTo("direct from alice @ " + firstNode);
		assertThat(direct.findElement(By.className("text")).getText()).isEqualTo("for bob only");
		assertThat(awaitItem(bobThere, "direct", 1).get(0).findElement(By.className("text")).getText())
			.isEqualTo("for bob only");
		assertThat(alice.findElements(By.cssSelector("#messages li.direct.system .text")))
			.extracting(WebElement::getText).containsExactly("for bob only");

		send(bobThere, "to nobody valid", "not a name!");
		assertThat(awaitItem(bobThere, "error", 1).get(0).findElement(By.className("text")).getText())
			.startsWith("A direct message needs 'to'");
		assertThat(alice.findElements(By.cssSelector("#messages li.error"))).isEmpty();
		assertThat(bobThere.findElement(By.id("status")).getText()).isEqualTo("connected");
	}

	private WebDriver open(ConfigurableApplicationContext node, String user) {
		WebDriver browser = HeadlessChromium.start();
		this.browsers.add(browser);
		browser.get("http://127.0.0.1:" + StompNodes.port(node) + "/stomp.html?user=" + user);
		await().atMost(TIMEOUT).until(() -> "connected".equals(browser.findElement(By.id("status")).getText()));
		return browser;
	}

	private static void send(WebDriver page, String text, String to) {
		WebElement toField = page.findElement(By.id("to"));
		toField.clear();
		toField.sendKeys(to);
		page.findElement(By.id("text")).sendKeys(text);
		page.findElement(By.cssSelector("#send button")).click();
	}

	/**
	 * Wait until the page lists at least {@code count} received items of a kind (not its
	 * own echo of a direct message it sent).
	 */
	private static List<WebElement> awaitItem(WebDriver page, String kind, int count) {
		By selector = By.cssSelector("#messages li." + kind + ":not(.system)");
		await().atMost(TIMEOUT).until(() -> page.findElements(selector).size() >= count);
		return page.findElements(selector);
	}

}
