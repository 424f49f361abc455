package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.cli.NodeOptions;
import dev.mandate.core.posture.Severity;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mandate posture}: posture findings with evidence, fixes and the controls they map to. */
@Command(
        name = "posture",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Report posture findings: owners, dormancy, unused and broad permissions, long-lived or shared"
                + " credentials, toxic flows, stuck revocations.",
        description = {
            "",
            "Each finding has a severity, evidence, a fix, and the OWASP NHI Top 10 (2025),",
            "OWASP Top 10 for Agentic Applications (2026) and NIST AI RMF controls it serves.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mandate posture                          JSON, for tools",
            "  mandate posture --format table           for people",
            "  mandate posture --fail-on high           exit 1 if anything high or critical (CI gate)",
            "",
            "Exit codes: 0 ok (or nothing at or above --fail-on), 1 findings at or above",
            "  --fail-on, 2 bad usage, 3 unauthenticated, 69 node unavailable."
        })
final class PostureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec = CommandSpec.create();

    @Mixin
    NodeOptions node = new NodeOptions();

    @Option(names = "--format", paramLabel = "<json|table>", description = "Output format (default json).")
    String format = "json";

    @Option(
            names = "--fail-on",
            paramLabel = "<severity>",
            description = "Exit 1 if a finding is at least this severe: critical, high, medium, low.")
    @Nullable
    String failOn;

    @Override
    public Integer call() throws Exception {
        String fmt = format(spec, format);
        Severity threshold = null;
        if (failOn != null) {
            try {
                threshold = Severity.valueOf(failOn.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "--fail-on '" + failOn + "': expected one of critical, high, medium, low");
            }
        }
        ObjectMapper json = AgentCommand.json();
        JsonNode answer = node.client(System.getenv(), json).get("/v1/posture");
        PrintWriter out = spec.commandLine().getOut();
        if (fmt.equals("json")) {
            out.println(json.writeValueAsString(answer));
        } else {
            out.printf("posture at %s%n", answer.path("generatedAt").asText());
            out.printf("%-9s %-22s %-32s %s%n", "SEVERITY", "RULE", "SUBJECT", "TITLE");
            for (JsonNode f : answer.path("findings")) {
                out.printf(
                        "%-9s %-22s %-32s %s%n",
                        f.path("severity").asText(),
                        f.path("rule").asText(),
                        f.path("subject").asText(),
                        f.path("title").asText());
                out.printf("          evidence: %s%n", f.path("evidence").asText());
                out.printf("          fix:      %s%n", f.path("fix").asText());
                JsonNode c = f.path("controls");
                out.printf(
                        "          controls: %s | %s | %s%n",
                        joined(c.path("owaspNhi")), joined(c.path("owaspAgentic")), joined(c.path("nistAiRmf")));
            }
            out.printf("%d finding(s)%n", answer.path("findings").size());
        }
        if (threshold != null) {
            for (JsonNode f : answer.path("findings")) {
                Severity s = Severity.valueOf(f.path("severity").asText().toUpperCase(Locale.ROOT));
                if (s.compareTo(threshold) <= 0) {
                    return 1;
                }
            }
        }
        return 0;
    }

    static String format(CommandSpec spec, String format) {
        if (!format.equals("json") && !format.equals("table")) {
            throw new ParameterException(spec.commandLine(), "--format '" + format + "': expected json or table");
        }
        return format;
    }

    static String joined(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(n -> items.add(n.asText()));
        return items.isEmpty() ? "-" : String.join("; ", items);
    }

    static void revocation(PrintWriter out, JsonNode r) {
        out.printf("revoke: %s%n", r.path("how").asText());
        out.printf("time to revoke: %s%n", r.path("measured").asText());
    }
}
