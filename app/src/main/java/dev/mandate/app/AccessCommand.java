package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.cli.NodeOptions;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mandate access who-can|of}: who can use what, under which conditions, and how to take it away. */
@Command(
        name = "access",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Explain who can access what, why, and how fast it can be revoked.",
        description = {
            "",
            "Evaluates the policies in force for every agent, purpose and catalogued tool",
            "over representative contexts (flow labels, untrusted content, approval,",
            "delegation) and names the determining policies and the conditions they need.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  mandate access who-can crm.get_customer     who may call one tool",
            "  mandate access who-can crm                  every tool of a server",
            "  mandate access of support-bot --format table",
            "",
            "Exit codes: 0 ok, 2 bad request, 3 unauthenticated, 5 unknown agent or tool,",
            "  69 node unavailable."
        },
        subcommands = {AccessCommand.WhoCan.class, AccessCommand.Of.class})
final class AccessCommand implements Runnable {
    @Spec
    CommandSpec spec;

    AccessCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "name a subcommand: 'mandate access who-can <tool>' or 'mandate access of <agent>'");
    }

    /** {@code mandate access who-can <tool|resource|server>}. */
    @Command(
            name = "who-can",
            mixinStandardHelpOptions = true,
            header = "List every agent and purpose that could use a tool, resource or server, and who never can.",
            footer = {
                "",
                "Examples:",
                "  mandate access who-can crm.get_customer",
                "  mandate access who-can 'crm://customers' --format table"
            })
    static final class WhoCan implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<tool|resource|server>", description = "What to ask about.")
        String resource = "";

        @Option(names = "--format", paramLabel = "<json|table>", description = "Output format (default json).")
        String format = "json";

        @Override
        public Integer call() throws Exception {
            String fmt = PostureCommand.format(spec, format);
            ObjectMapper json = AgentCommand.json();
            JsonNode answer =
                    node.client(System.getenv(), json).get("/v1/access?resource=" + AgentCommand.segment(resource));
            if (fmt.equals("json")) {
                return AgentCommand.print(spec, json, answer);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-24s %-16s %-32s %-12s %s%n", "AGENT", "PURPOSE", "TOOL", "VERDICT", "CONDITIONS");
            for (JsonNode a : answer.path("allowed")) {
                out.printf(
                        "%-24s %-16s %-32s %-12s %s%n",
                        a.path("agent").asText(),
                        a.path("purpose").asText(),
                        a.path("tool").asText(),
                        a.path("verdict").asText(),
                        PostureCommand.joined(a.path("conditions")));
            }
            for (JsonNode n : answer.path("never")) {
                out.printf(
                        "%-24s %-16s %-32s %-12s %s%n",
                        n.path("agent").asText(),
                        "-",
                        resource,
                        "never",
                        n.path("reason").asText());
            }
            PostureCommand.revocation(out, answer.path("revocation"));
            return 0;
        }
    }

    /** {@code mandate access of <agent>}. */
    @Command(
            name = "of",
            mixinStandardHelpOptions = true,
            header = "Show one agent's effective access: tools, backends, live mandate trees and leases.",
            footer = {
                "",
                "Examples:",
                "  mandate access of support-bot",
                "  mandate access of spiffe://mandate.local/agent/support-bot --format table"
            })
    static final class Of implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<agent>", description = "The agent's name or SPIFFE ID.")
        String agent = "";

        @Option(names = "--format", paramLabel = "<json|table>", description = "Output format (default json).")
        String format = "json";

        @Override
        public Integer call() throws Exception {
            String fmt = PostureCommand.format(spec, format);
            ObjectMapper json = AgentCommand.json();
            var client = node.client(System.getenv(), json);
            String name = agent;
            if (agent.startsWith("spiffe://")) {
                // SPIFFE IDs hold slashes, which do not travel in a path segment: look the name up.
                name = null;
                for (JsonNode a : client.get("/v1/agents").path("agents")) {
                    if (a.path("spiffeId").asText().equals(agent)) {
                        name = a.path("name").asText();
                    }
                }
                if (name == null) {
                    throw new MandateException(ErrorCode.NOT_FOUND, "no agent " + agent);
                }
            }
            JsonNode answer = client.get("/v1/agents/" + AgentCommand.segment(name) + "/access");
            if (fmt.equals("json")) {
                return AgentCommand.print(spec, json, answer);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "agent %s (%s), owner %s, tier %s%n",
                    answer.path("agent").asText(),
                    answer.path("status").asText(),
                    answer.path("owner").asText(),
                    answer.path("tier").asText());
            out.printf("%-16s %-32s %-12s %s%n", "PURPOSE", "TOOL", "VERDICT", "CONDITIONS");
            for (JsonNode t : answer.path("tools")) {
                out.printf(
                        "%-16s %-32s %-12s %s%n",
                        t.path("purpose").asText(),
                        t.path("tool").asText(),
                        t.path("verdict").asText(),
                        PostureCommand.joined(t.path("conditions")));
            }
            out.println("mandates:");
            for (JsonNode m : answer.path("mandates")) {
                tree(out, m, "  ");
            }
            out.println("leases:");
            for (JsonNode l : answer.path("leases")) {
                out.printf(
                        "  %s %s %s, %d s left%n",
                        l.path("id").asText(),
                        l.path("backend").asText(),
                        l.path("state").asText(),
                        l.path("remainingSeconds").asLong());
            }
            PostureCommand.revocation(out, answer.path("revocation"));
            return 0;
        }

        private static void tree(PrintWriter out, JsonNode m, String indent) {
            out.printf(
                    "%s%s %s, %d s left%n",
                    indent,
                    m.path("id").asText(),
                    m.path("purpose").asText(),
                    m.path("remainingSeconds").asLong());
            for (JsonNode c : m.path("children")) {
                tree(out, c, indent + "  ");
            }
        }
    }
}
