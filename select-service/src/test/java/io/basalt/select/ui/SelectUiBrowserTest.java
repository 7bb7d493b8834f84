package io.basalt.select.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in headless Chromium against a real select node: what a person sees after typing a query, running it,
 * switching views. Each test leaves a screenshot in target/ui-screenshots/.
 */
class SelectUiBrowserTest extends UiTestCluster {

    private static UiBrowser browser;

    private WebDriver driver;

    private WebDriverWait wait;

    @BeforeAll
    static void startBrowser() throws Exception {
        if (UiBrowser.missing() == null) {
            browser = UiBrowser.start();
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void freshPage() {
        UiBrowser.assumeInstalled();
        driver = browser.driver;
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        driver.get("about:blank");
    }

    private void open(String hash) {
        driver.get(baseUrl() + "/select/0/ui/" + hash);
        wait.until(d -> !d.findElements(By.cssSelector("main#view h1")).isEmpty());
    }

    private WebElement queryBox() {
        return driver.findElement(By.id("query"));
    }

    private void typeAndRunWithCtrlEnter(String query) {
        WebElement box = queryBox();
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        box.sendKeys(query);
        box.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    }

    private int graphedSeries() {
        // uPlot's legend has one row for the time axis, then one per series
        return driver.findElements(By.cssSelector("#graph .u-legend .u-series")).size() - 1;
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @Test
    void aQueryTypedAndRunFromTheKeyboardAloneDrawsOneLinePerSeries() {
        open("#/cardinality");
        // a keyboard user: tab to the Query link, open it; the query box then has the focus
        Actions keys = new Actions(driver);
        for (int i = 0; i < 12 && !"query".equals(js("return document.activeElement.dataset.view")); i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertThat(js("return document.activeElement.dataset.view")).isEqualTo("query");
        keys.sendKeys(Keys.ENTER).perform();
        wait.until(d -> "query".equals(js("return document.activeElement.id")));

        keys.sendKeys("sum by (code) (rate(http_requests_total[5m]))").perform();
        keys.sendKeys(Keys.ENTER).perform();
        wait.until(d -> graphedSeries() == 2);
        assertThat(driver.findElements(By.cssSelector("#graph .u-legend .u-label")))
            .extracting(WebElement::getText)
            .contains("{code=\"200\"}", "{code=\"500\"}");
        assertThat(driver.findElement(By.id("summary")).getText()).startsWith("2 results · matrix");

        // still from the keyboard: replace the text, Tab to the Run button, Enter on it
        keys.keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL)
            .sendKeys("rate(http_requests_total[5m])").perform();
        keys.sendKeys(Keys.TAB).perform();
        assertThat(js("return document.activeElement.id")).isEqualTo("run");
        keys.sendKeys(Keys.ENTER).perform();
        wait.until(d -> graphedSeries() == 6);
        browser.screenshot("query-graph");

        // the result tabs switch with the arrow keys
        driver.findElement(By.id("tab-graph")).sendKeys(Keys.ARROW_RIGHT);
        wait.until(d -> d.findElements(By.cssSelector("#result-table tbody tr")).size() == 6);
        assertThat(js("return document.activeElement.id")).isEqualTo("tab-table");
    }

    @Test
    void theRootAddressOpensTenantZerosQueryPage() {
        driver.get(baseUrl() + "/");
        wait.until(d -> !d.findElements(By.id("query")).isEmpty());
        assertThat(driver.getCurrentUrl()).isEqualTo(baseUrl() + "/select/0/ui/");
        assertThat(driver.findElement(By.id("tenant")).getText()).isEqualTo("tenant 0");
    }

    @Test
    void ctrlEnterRunsEvenWhileCompletionsAreOpen() {
        open("#/query");
        queryBox().sendKeys("node_loa");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#query-suggestions li")));
        queryBox().sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        // node_loa is no metric: an empty result, not an accepted completion
        wait.until(d -> d.findElement(By.id("summary")).getText().startsWith("0 results"));
        assertThat(queryBox().getAttribute("value")).isEqualTo("node_loa");
    }

    @Test
    void metricNamesLabelNamesAndLabelValuesAreCompletedFromTheApi() {
        open("#/query");
        WebElement box = queryBox();
        box.sendKeys("http_req");
        wait.until(d -> suggestions().contains("http_requests_total"));
        box.sendKeys(Keys.TAB);
        assertThat(box.getAttribute("value")).isEqualTo("http_requests_total");

        box.sendKeys("{co");
        wait.until(d -> suggestions().contains("code"));
        assertThat(suggestions()).doesNotContain("__name__");
        box.sendKeys(Keys.ENTER);
        assertThat(box.getAttribute("value")).isEqualTo("http_requests_total{code");

        box.sendKeys("=\"");
        wait.until(d -> suggestions().equals(List.of("200", "500")));
        browser.screenshot("query-completion");
        box.sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
        assertThat(box.getAttribute("value")).isEqualTo("http_requests_total{code=\"500");
        assertThat(box.getAttribute("aria-expanded")).isEqualTo("false");
    }

    private List<String> suggestions() {
        return driver.findElements(By.cssSelector("#query-suggestions li")).stream().map(WebElement::getText)
            .toList();
    }

    @Test
    void anInvalidQueryShowsPrometheusMessageAndMarksWhereParsingStopped() {
        open("#/query");
        typeAndRunWithCtrlEnter("sum(rate(http_requests_total[5m])");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg.error")));
        assertThat(error.getText()).startsWith("bad_data: ").contains("parse error");
        assertThat(error.getAttribute("role")).isEqualTo("alert");
        assertThat(queryBox().getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.findElements(By.cssSelector(".mirror .error-mark"))).hasSize(1);
        // the engine stopped at the end of the text (1:34): the mark sits after all 33 characters
        assertThat(error.getText()).contains("1:34: parse error");
        assertThat(js("return document.querySelector('.mirror .error-mark').previousSibling.textContent"))
            .isEqualTo("sum(rate(http_requests_total[5m])");
        assertThat(driver.findElement(By.id("error-context")).getText()).contains("^");
        browser.screenshot("query-error");

        // fixing the text clears the marker
        queryBox().sendKeys(")");
        assertThat(queryBox().getAttribute("aria-invalid")).isNull();
    }

    @Test
    void theTableShowsInstantValuesAndTheResultDownloadsAsCsv() throws Exception {
        open("#/query?tab=table&expr=" + java.net.URLEncoder.encode("up", java.nio.charset.StandardCharsets.UTF_8));
        wait.until(d -> d.findElements(By.cssSelector("#result-table tbody tr")).size() == 4);
        assertThat(driver.findElement(By.cssSelector("#tab-table")).getAttribute("aria-selected")).isEqualTo("true");
        assertThat(driver.findElements(By.cssSelector("#result-table td.series"))).extracting(WebElement::getText)
            .contains("up{instance=\"n1\", job=\"node\"}");
        browser.screenshot("query-table");

        Path csv = UiBrowser.DOWNLOADS.resolve("basalt-query.csv");
        Files.deleteIfExists(csv);
        driver.findElement(By.id("download-csv")).click();
        wait.until(d -> Files.exists(csv));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("__name__,instance,job,timestamp,value");
        assertThat(lines).hasSize(5).allMatch(l -> l.startsWith("up,") || l.startsWith("__name__"));

        Path json = UiBrowser.DOWNLOADS.resolve("basalt-query.json");
        Files.deleteIfExists(json);
        driver.findElement(By.id("download-json")).click();
        wait.until(d -> Files.exists(json));
        assertThat(Files.readString(json)).startsWith("{\"status\":\"success\"").contains("\"resultType\":\"vector\"");
    }

    @Test
    void stackedGraphsAndGapsRender() {
        open("#/query?stacked=1&expr=process_resident_memory_bytes");
        wait.until(d -> graphedSeries() == 3);
        assertThat(driver.findElement(By.id("stacked")).isSelected()).isTrue();
        browser.screenshot("query-stacked");

        open("#/query?range=1h&expr=node_load1");
        wait.until(d -> graphedSeries() == 1);
        browser.screenshot("query-gap");
    }

    @Test
    void aStorageNodeThatDoesNotAnswerMakesAVisiblePartialResponse() {
        STORAGE_2.failing(true);
        open("#/query?tab=table&expr=up");
        WebElement partial = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg.partial")));
        assertThat(partial.getText()).startsWith("Partial response");
        // the answering node's two series are still shown
        wait.until(d -> d.findElements(By.cssSelector("#result-table tbody tr")).size() == 2);
        browser.screenshot("query-partial");
    }

    @Test
    void theCardinalityPageListsTheMetricWithMostSeriesFirst() {
        open("#/cardinality");
        WebElement top = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#list-seriesCountByMetricName tbody tr:first-child td a")));
        assertThat(top.getText()).isEqualTo("http_requests_total");
        assertThat(driver.findElement(By.cssSelector("#list-seriesCountByMetricName tbody tr:first-child td.num"))
            .getText()).isEqualTo("6");
        assertThat(driver.findElement(By.id("totals")).getText()).startsWith(TOTAL_SERIES + " series");
        assertThat(driver.findElements(By.cssSelector("#list-labelValueCountByLabelName tbody tr"))).isNotEmpty();
        browser.screenshot("cardinality");

        // a metric name leads to its series
        top.click();
        wait.until(d -> d.findElements(By.cssSelector("#series-table tbody tr")).size() == 6);
    }

    @Test
    void theSeriesBrowserListsMatchingSeriesAndTheirLabels() {
        open("#/series?match=up&lookback=1d");
        wait.until(d -> d.findElements(By.cssSelector("#series-table tbody tr")).size() == 4);
        assertThat(driver.findElement(By.id("series-count")).getText()).isEqualTo("4 series match up");
        assertThat(driver.findElements(By.cssSelector("#metric-names li"))).extracting(WebElement::getText)
            .containsExactly("http_requests_total", "node_load1", "process_resident_memory_bytes", "up");
        browser.screenshot("series");
    }

    @Test
    void theTargetsPageShowsHealthErrorsAndUnreachableAgents() {
        open("#/targets");
        wait.until(d -> d.findElements(By.cssSelector("#targets tbody tr")).size() == 2);
        assertThat(driver.findElements(By.cssSelector("#targets .health"))).extracting(WebElement::getText)
            .containsExactly("up", "down");
        assertThat(driver.findElement(By.cssSelector("#targets .target-error")).getText())
            .isEmpty();
        assertThat(driver.findElements(By.cssSelector("#targets .target-error")).get(1).getText())
            .contains("connection refused");
        assertThat(driver.findElement(By.cssSelector(".msg.warning")).getText()).contains(DEAD_AGENT);
        assertThat(driver.findElements(By.cssSelector("#agents .health.down"))).hasSize(1);
        browser.screenshot("targets");
    }

    @Test
    void everythingThePageLoadsComesFromTheSelectNode() {
        open("#/query?expr=up");
        wait.until(d -> graphedSeries() == 4);
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) js(
                "return performance.getEntriesByType('resource').map(e => e.name)");
        assertThat(loaded).isNotEmpty().allMatch(u -> u.startsWith(baseUrl() + "/"));
    }

    @Test
    void everyInputHasALabel() {
        for (String view : List.of("#/query", "#/cardinality", "#/series", "#/targets")) {
            open(view);
            @SuppressWarnings("unchecked")
            List<String> unlabelled = (List<String>) js("""
                    return [...document.querySelectorAll('input, select, textarea')]
                        .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))
                        .map(e => e.id || e.outerHTML)""");
            assertThat(unlabelled).as(view).isEmpty();
        }
    }
}
