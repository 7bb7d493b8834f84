package io.basalt.select.ui;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver, with a fresh profile and no traffic of its own
 * (updates, sync, background networking): this machine's network refuses anything but loopback.
 * Paths can be overridden with BASALT_CHROMIUM and BASALT_CHROMEDRIVER.
 */
final class UiBrowser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    static final Path DOWNLOADS = Path.of("target", "ui-downloads").toAbsolutePath();

    final ChromeDriver driver;

    private final Path profile;

    private UiBrowser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    private static final String CHROMIUM = System.getenv().getOrDefault("BASALT_CHROMIUM", "/usr/bin/chromium");

    private static final String CHROMEDRIVER = System.getenv().getOrDefault("BASALT_CHROMEDRIVER",
            "/usr/bin/chromedriver");

    /** Why browser tests cannot run here, or null when Chromium and its driver are installed. */
    static String missing() {
        if (Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER))) {
            return null;
        }
        return "browser tests need Chromium and chromedriver (apt-get install chromium chromium-driver); not found at "
                + CHROMIUM + " and " + CHROMEDRIVER;
    }

    /** Skips the calling test, saying why, when Chromium or its driver is not installed. */
    static void assumeInstalled() {
        String why = missing();
        Assumptions.assumeTrue(why == null, why);
    }

    static UiBrowser start() throws IOException {
        String chromium = CHROMIUM;
        String chromedriver = CHROMEDRIVER;
        Path profile = Files.createTempDirectory("basalt-ui-chromium");
        Files.createDirectories(DOWNLOADS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en-US",
                "--user-data-dir=" + profile.toAbsolutePath());
        options.setExperimentalOption("prefs", Map.of("download.default_directory", DOWNLOADS.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(chromedriver))
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new UiBrowser(driver, profile);
    }

    /** Writes the current viewport to target/ui-screenshots/{name}.png. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path to = SCREENSHOTS.resolve(name + ".png");
            Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
            return to;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        }
        finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            catch (IOException ignored) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
