package dev.ambiorix.sample.chat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.util.FileSystemUtils;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver})
 * showing one page.
 */
final class Browser implements AutoCloseable {

	private static final String CHROMIUM = "/usr/bin/chromium";

	private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

	private final Path profile;

	private final ChromeDriver driver;

	Browser() {
		this(760, 560);
	}

	Browser(int width, int height) {
		try {
			this.profile = Files.createTempDirectory("chromium-profile");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		// The machine's network is closed: keep Chromium from calling home.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=" + width + "," + height, "--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
	}

	Browser open(String url) {
		this.driver.get(url);
		return this;
	}

	/**
	 * Join the chat's default room under a nickname and wait until the server has
	 * answered.
	 */
	Browser join(String nickname) {
		tryJoin(nickname, "general");
		waitFor("joined as " + nickname, () -> online().contains(nickname));
		return this;
	}

	/** Fill in and submit the join form, without waiting for the answer. */
	Browser tryJoin(String nickname, String room) {
		waitFor("connected", () -> "open".equals(status()));
		type("nickname", nickname);
		type("room", room);
		this.driver.findElement(By.cssSelector("#join-form button")).click();
		return this;
	}

	/**
	 * Sign in on the login form (the {@code login} profile) and wait for the chat page to
	 * say who is signed in.
	 */
	Browser signIn(String user, String password) {
		waitFor("the login form", () -> !this.driver.findElements(By.id("username")).isEmpty());
		type("username", user);
		type("password", password);
		this.driver.findElement(By.cssSelector("form button[type=submit]")).click();
		waitFor("signed in as " + user, () -> !this.driver.findElements(By.id("user-name")).isEmpty()
				&& user.equals(text("user-name")) && "open".equals(status()));
		return this;
	}

	/**
	 * Join the default room as the signed-in user, whose nickname the page does not let
	 * them change, and wait until the server has answered.
	 */
	Browser joinSignedIn(String user) {
		this.driver.findElement(By.cssSelector("#join-form button")).click();
		waitFor("joined as " + user, () -> online().contains(user));
		return this;
	}

	/**
	 * Show a conversation (a room as "# room", direct messages as "@user") by its label.
	 */
	Browser showConversation(String label) {
		waitFor("a conversation " + label, () -> texts("#rooms button").contains(label));
		this.driver.findElements(By.cssSelector("#rooms button"))
			.stream()
			.filter((button) -> button.getText().equals(label))
			.findFirst()
			.orElseThrow()
			.click();
		waitFor("showing " + label, () -> label.equals(text("room-title")));
		return this;
	}

	/** Join another room from the chat view, and wait until it is the one shown. */
	Browser joinRoom(String room) {
		type("new-room", room);
		this.driver.findElement(By.cssSelector("#room-form button")).click();
		waitFor("in room " + room, () -> ("# " + room).equals(text("room-title")));
		return this;
	}

	/** Show a room already joined. */
	Browser showRoom(String room) {
		this.driver.findElements(By.cssSelector("#rooms button"))
			.stream()
			.filter((button) -> button.getText().equals("# " + room))
			.findFirst()
			.orElseThrow()
			.click();
		return this;
	}

	String text(String id) {
		return this.driver.findElement(By.id(id)).getText();
	}

	Browser say(String text) {
		type("text", text);
		this.driver.findElement(By.cssSelector("#say-form button")).click();
		return this;
	}

	private void type(String id, String text) {
		WebElement input = this.driver.findElement(By.id(id));
		input.clear();
		input.sendKeys(text);
	}

	String status() {
		return this.driver.findElement(By.id("status")).getAttribute("data-state");
	}

	List<String> online() {
		return texts("#online li");
	}

	List<String> messages() {
		return texts("#messages li");
	}

	/** Posts shown, as "author: text". */
	@SuppressWarnings("unchecked")
	List<String> posts() {
		return (List<String>) ((JavascriptExecutor) this.driver)
			.executeScript("return Array.from(document.querySelectorAll('#messages li.post'), (li) =>"
					+ " li.querySelector('strong').textContent + ': ' + li.querySelector('span').textContent);");
	}

	/** Notices shown ("… joined", "… left"), in order. */
	List<String> notices() {
		return texts("#messages li.notice");
	}

	/**
	 * The texts of the elements, read in one script: the page re-renders its lists, and
	 * elements found one call earlier may be gone.
	 */
	@SuppressWarnings("unchecked")
	private List<String> texts(String cssSelector) {
		return (List<String>) ((JavascriptExecutor) this.driver).executeScript(
				"return Array.from(document.querySelectorAll(arguments[0]), (e) => e.innerText.trim());", cssSelector);
	}

	/** Run a script in the page and return its value. */
	Object run(String script) {
		return ((JavascriptExecutor) this.driver).executeScript(script);
	}

	int count(String cssSelector) {
		return this.driver.findElements(By.cssSelector(cssSelector)).size();
	}

	Object script(String asyncScript) {
		return ((JavascriptExecutor) this.driver).executeAsyncScript(asyncScript);
	}

	ChromeDriver driver() {
		return this.driver;
	}

	byte[] screenshot() {
		return this.driver.getScreenshotAs(OutputType.BYTES);
	}

	void waitFor(String what, java.util.function.BooleanSupplier condition) {
		waitFor(what, Duration.ofSeconds(15), condition);
	}

	void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
		// A list re-rendered while it is read leaves stale elements: read it again.
		new WebDriverWait(this.driver, timeout).withMessage(what)
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until((driver) -> condition.getAsBoolean());
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			FileSystemUtils.deleteRecursively(this.profile.toFile());
		}
	}

}
