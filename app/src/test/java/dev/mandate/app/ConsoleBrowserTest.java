package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.credential.IssuedLease;
import dev.mandate.core.credential.LeaseTerms;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.Tier;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console end to end in real headless Chromium (Debian's {@code chromium} and {@code chromedriver}, driven by
 * Selenium) against a real node with a real upstream MCP server and an agent calling through the real gateway: sign
 * in, see the agent and its live mandate tree with a countdown, see decisions arrive in the live stream, approve a
 * pending call, press the kill switch and see the mandates go. Screenshots are kept in
 * {@code app/target/console-screenshots/}; with {@code -Dmandate.console.screenshot=<file>} the full console is also
 * written there (the README's {@code docs/images/console.png}). Without Chromium the test is skipped, except under
 * {@code CI=true}, where it fails.
 */
final class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String POLICIES = """
            @id("crm-triage")
            permit (principal in Team::"team-support", action in Action::"call_tool", resource == McpServer::"crm")
            when { context.mandate.purpose == "triage" };

            @id("no-egress-after-pii") @approval("security-oncall")
            forbid (principal, action in Action::"egress", resource)
            when { context.flow.labels.contains("pii") }
            unless { context.approval.granted };
            """;

    @TempDir
    Path tmp;

    private SampleCrmUpstream upstream;
    private MandateNode node;
    private @Nullable McpSyncClient agent;
    private WebDriver browser;
    private WebDriverWait wait;
    private int shot;

    @BeforeEach
    void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: install Debian's chromium and chromium-driver (.ci/run does when apt-get exists)");
        }
        Assumptions.assumeTrue(
                present, "no " + CHROMIUM + " and " + CHROMEDRIVER + " here: the browser test is skipped");

        upstream = new SampleCrmUpstream();
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("policies"));
        Files.writeString(data.resolve("policies/support.cedar"), POLICIES);
        Path gatewayFile = tmp.resolve("gateway.yaml");
        Files.writeString(gatewayFile, """
                upstreams:
                  crm: { url: "%s" }
                catalog:
                  tools:
                    crm:
                      get_customer: { labels: "confidential,pii", expose: ["customerId"] }
                      send_email: { labels: "internal", egress: true, expose: ["to"] }
                      read_ticket: { labels: "internal", untrusted: true }
                """.formatted(upstream.url()));
        Path configFile = tmp.resolve("mandate.yaml");
        Files.writeString(configFile, """
                credentials:
                  backends:
                    tickets:
                      type: signed-token
                      audience: https://tickets.example/api
                      max-lifetime: 10m
                      scopes:
                        read: tickets:read
                """);
        node = MandateNode.start(ConfigLoader.load(
                configFile,
                Map.of(),
                Map.of(
                        ConfigKey.LISTEN,
                        "127.0.0.1:0",
                        ConfigKey.DATA_DIR,
                        data.toString(),
                        ConfigKey.GATEWAY_CONFIG,
                        gatewayFile.toString())));

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1440,1500",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        McpSyncClient client = agent;
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anAdminSeesTheAgentsLiveWorkApprovesACallAndPressesTheKillSwitch() throws Exception {
        try {
            walkThrough();
        } catch (Throwable t) {
            screenshot("failure");
            throw t;
        }
    }

    private void walkThrough() throws Exception {
        register("support-bot", "team-support");
        register("summary-bot", "team-support");
        register("legacy-exporter", "unknown");
        NodeTesting.Answer issued = NodeTesting.admin(
                node,
                "POST",
                "/v1/tokens",
                Map.of(
                        "agent",
                        "support-bot",
                        "purpose",
                        "triage",
                        "tools",
                        List.of("crm.get_customer", "crm.send_email"),
                        "ttl",
                        "900"));
        assertThat(issued.status()).as(issued.raw()).isEqualTo(201);
        String parentId = issued.body().get("mandate_id").asText();
        Agent summary = node.agents().get("summary-bot");
        Mandate child = node.mandates()
                .delegate(
                        parentId,
                        new DelegationRequest(
                                summary.id(),
                                Tier.COPILOT,
                                null,
                                Set.of("crm.get_customer"),
                                null,
                                Duration.ofMinutes(5),
                                null,
                                null),
                        node.agents().get("support-bot").id().toString());
        Mandate parentMandate = node.mandates().get(parentId);
        IssuedLease lease = node.leases()
                .issue(
                        parentId,
                        parentMandate.agent().toString(),
                        "tickets",
                        "read",
                        new LeaseTerms(Duration.ofMinutes(10), Duration.ofMinutes(10), false),
                        parentMandate.expires());
        String leaseId = lease.lease().id();

        // Sign in.
        browser.get("http://127.0.0.1:" + node.port() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        screenshot("sign-in");
        browser.findElement(By.id("token")).sendKeys(NodeTesting.adminToken(node));
        WebElement approver = browser.findElement(By.id("approver"));
        approver.clear();
        approver.sendKeys("alice");
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();

        // The agent, and its live mandate with the delegated child beneath it, counting down.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-agent='support-bot']")));
        assertThat(text("tr[data-agent='support-bot']")).contains("team-support", "copilot", "active");
        By parentCountdown = By.cssSelector("li[data-mandate='" + parentId + "'] > .card .mandate-countdown");
        wait.until(ExpectedConditions.textMatches(parentCountdown, Pattern.compile("1[45]m \\d\\ds")));
        String before = browser.findElement(parentCountdown).getText();
        wait.until(d -> !d.findElement(parentCountdown).getText().equals(before));
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("li[data-mandate='" + parentId + "'] li[data-mandate='" + child.id() + "']")));
        wait.until(ExpectedConditions.textMatches(
                By.cssSelector("tr[data-lease='" + leaseId + "']"), Pattern.compile("tickets[\\s\\S]*active")));
        assertThat(browser.getPageSource()).doesNotContain(NodeTesting.adminToken(node));

        // Decisions arrive in the live stream as the agent calls through the gateway.
        wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "live"));
        McpSyncClient agent = agentClient(issued.body().get("access_token").asText());
        this.agent = agent;
        McpSchema.CallToolResult customer =
                agent.callTool(new McpSchema.CallToolRequest("crm.get_customer", Map.of("customerId", "c-7")));
        assertThat(((McpSchema.TextContent) customer.content().get(0)).text()).contains("Ada Lovelace");
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#decision-stream li[data-decision='allow']")));
        assertThat(text("#decision-stream li[data-decision='allow']")).contains("crm.get_customer", "support-bot");

        McpSchema.CallToolRequest email =
                new McpSchema.CallToolRequest("crm.send_email", Map.of("to", "customer@example.com"));
        String approvalId = approvalIdOf(agent, email);
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#decision-stream li[data-decision='approval-required']")));
        assertThat(text("#decision-stream li[data-decision='approval-required']"))
                .contains("crm.send_email", "no-egress-after-pii", approvalId);

        // The pending call waits in the approvals queue; approve it there.
        By row = By.cssSelector("tr[data-approval='" + approvalId + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(browser.findElement(row).getText()).contains("crm.send_email", "security-oncall");
        screenshot("console");
        writeReadmeScreenshot();
        browser.findElement(row)
                .findElement(By.cssSelector("input.reason-input"))
                .sendKeys("customer asked for a copy");
        browser.findElement(row).findElement(By.cssSelector("button.approve")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("approvals-note"), "approved by alice"));
        JsonNode approval = NodeTesting.admin(node, "GET", "/v1/approvals/" + approvalId, null)
                .body();
        assertThat(approval.get("state").asText()).isEqualTo("approved");
        assertThat(approval.get("decidedBy").asText()).isEqualTo("alice");
        assertThat(approval.get("reason").asText()).isEqualTo("customer asked for a copy");
        McpSchema.CallToolResult sent = agent.callTool(email);
        assertThat(((McpSchema.TextContent) sent.content().get(0)).text()).contains("sent to customer@example.com");
        wait.until(d -> d.findElements(By.cssSelector("#decision-stream li[data-decision='allow']"))
                        .size()
                >= 2);
        screenshot("approved");

        // Posture and access: the views render the report, or say the server has none (404).
        wait.until(d -> !d.findElement(By.id("posture-body")).getText().isBlank());
        assertThat(text("#posture-body")).containsAnyOf("findings", "No findings", "not available");
        browser.findElement(By.cssSelector("tr[data-agent='support-bot'] button.small"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("access-body"), "support-bot"));
        assertThat(text("#access-body")).containsAnyOf("crm.get_customer", "not available");
        browser.findElement(By.id("access-tool")).sendKeys("crm.send_email");
        browser.findElement(By.cssSelector("#access-tool-form button")).click();
        wait.until(ExpectedConditions.or(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-access-resource='crm.send_email']")),
                ExpectedConditions.textToBePresentInElementLocated(By.id("access-body"), "GET /v1/access")));
        screenshot("access");

        // The kill switch: press, confirm; the mandate and its delegated child leave the live view.
        By kill = By.cssSelector("button[data-kill='support-bot']");
        browser.findElement(kill).click();
        wait.until(ExpectedConditions.attributeContains(kill, "class", "armed"));
        browser.findElement(kill).click();
        wait.until(
                ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("li[data-mandate='" + parentId + "']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("agents-note"), "mandate(s) revoked"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-agent='support-bot']"), "disabled"));
        assertThat(browser.findElements(By.cssSelector("li[data-mandate='" + child.id() + "']")))
                .isEmpty();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-lease='" + leaseId + "']"), "revoked"));
        screenshot("killed");

        JsonNode parent =
                NodeTesting.admin(node, "GET", "/v1/mandates/" + parentId, null).body();
        assertThat(parent.get("state").asText()).isEqualTo("revoked");
        assertThat(parent.get("endReason").asText()).contains("kill switch pressed in the console by alice");
        assertThat(NodeTesting.admin(node, "GET", "/v1/mandates/" + child.id(), null)
                        .body()
                        .get("state")
                        .asText())
                .isEqualTo("revoked");
        assertThat(NodeTesting.admin(node, "GET", "/v1/leases/" + leaseId, null)
                        .body()
                        .get("state")
                        .asText())
                .isEqualTo("revoked");
        assertThat(NodeTesting.admin(node, "GET", "/v1/agents/support-bot", null)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("disabled");
        assertThatThrownBy(() -> agent.callTool(email)).isNotNull();

        // Sign out; a wrong token is refused; a name made of markup stays text.
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        browser.findElement(By.id("token")).sendKeys("mandate_admin_not-the-token");
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "not the admin token"));
        String markup = "<img src=x onerror=\"document.title='owned'\">";
        browser.findElement(By.id("token")).sendKeys(NodeTesting.adminToken(node));
        browser.findElement(By.id("approver")).clear();
        browser.findElement(By.id("approver")).sendKeys(markup);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), markup));
        assertThat(browser.findElements(By.cssSelector("#who img"))).isEmpty();
        assertThat(browser.getTitle()).isEqualTo("Mandate console");
    }

    private void register(String name, String owner) throws Exception {
        NodeTesting.registerAgent(node, name, owner, "copilot", "triage");
    }

    private McpSyncClient agentClient(String token) {
        McpSyncClient client = NodeTesting.mcpClient(node, token, Duration.ofSeconds(20));
        client.initialize();
        return client;
    }

    private static String approvalIdOf(McpSyncClient agent, McpSchema.CallToolRequest request) {
        String[] id = new String[1];
        assertThatThrownBy(() -> agent.callTool(request)).isInstanceOfSatisfying(McpError.class, e -> {
            Matcher m = Pattern.compile("apr_[0-9a-f]{32}").matcher(e.getMessage());
            assertThat(m.find()).as(e.getMessage()).isTrue();
            id[0] = m.group();
        });
        return id[0];
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private void screenshot(String name) throws Exception {
        if (browser instanceof ChromeDriver chrome) {
            Files.write(
                    SHOTS.resolve(String.format("%02d-%s.png", ++shot, name)),
                    chrome.getScreenshotAs(OutputType.BYTES));
        }
    }

    /** With {@code -Dmandate.console.screenshot=<file>}, keeps the full console for the README. */
    private void writeReadmeScreenshot() throws Exception {
        String target = System.getProperty("mandate.console.screenshot");
        if (target != null && !target.isBlank() && browser instanceof ChromeDriver chrome) {
            Dimension size = browser.manage().window().getSize();
            assertThat(size.getWidth()).isPositive();
            Path file = Path.of(target).toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.write(file, chrome.getScreenshotAs(OutputType.BYTES));
        }
    }
}
