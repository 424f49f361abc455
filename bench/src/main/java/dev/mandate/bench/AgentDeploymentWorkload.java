package dev.mandate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic policy set, entity graph and request mix shaped like a real agent deployment: per-agent and
 * per-team permits with {@code when} conditions on the task's context (purpose, flow labels, delegation depth), and a
 * few global forbids. The same workload feeds every engine under comparison, as Cedar text, Cedar entity JSON and
 * engine-neutral requests, so that only the engines differ.
 */
final class AgentDeploymentWorkload {
    /** How many distinct requests one benchmark invocation cycles through. */
    static final int REQUESTS = 256;

    private static final String[] TOOLS = {
        "tickets.read", "tickets.comment", "crm.get_customer", "crm.update_customer", "docs.search", "docs.read",
        "memory.write", "memory.read", "webhook.post", "mail.send", "repo.read", "repo.push"
    };
    private static final String[] EGRESS = {"webhook.post", "mail.send"};
    private static final String[] DESTRUCTIVE = {"crm.update_customer", "repo.push"};
    private static final String[] PURPOSES = {"triage", "summarize", "reconcile", "review", "answer"};
    private static final String[] LABELS = {"internal", "confidential", "pii", "untrusted", "secret", "pci"};

    /**
     * One authorization request, engine-neutral.
     *
     * @param agent the principal's id ({@code Agent::"<agent>"})
     * @param action the action's id ({@code Action::"<action>"})
     * @param server the resource's id ({@code Server::"<server>"})
     * @param context the context record: values are String, Long, Boolean, List (a Cedar set) or Map (a record)
     */
    record Call(String agent, String action, String server, Map<String, Object> context) {}

    final String policies;
    final String entitiesJson;
    final List<Call> calls;

    private AgentDeploymentWorkload(String policies, String entitiesJson, List<Call> calls) {
        this.policies = policies;
        this.entitiesJson = entitiesJson;
        this.calls = calls;
    }

    /**
     * Builds the workload for a policy count; the same count always gives the same workload.
     *
     * @param policyCount how many policies, at least 10
     * @return the workload
     */
    static AgentDeploymentWorkload of(int policyCount) {
        if (policyCount < 10) {
            throw new IllegalArgumentException("policyCount < 10: " + policyCount);
        }
        SplittableRandom random = new SplittableRandom(20261124L + policyCount);
        int agents = Math.max(4, policyCount / 2);
        int teams = Math.max(2, agents / 10);
        StringBuilder text = new StringBuilder(policyCount * 200);
        int forbids = 4;
        text.append("""
                @id("no-egress-after-pii")
                forbid (principal, action in Action::"egress", resource)
                when { context.flow.labels.contains("pii") }
                unless { context.approval.granted };
                @id("no-auto-egress-after-untrusted")
                forbid (principal, action in Action::"egress", resource)
                when { context.flow.untrusted && context.flow.sensitivity >= 2 };
                @id("no-deep-destruction")
                forbid (principal, action in Action::"destructive", resource)
                when { context.mandate.depth > 1 };
                @id("no-secrets-to-autonomous")
                forbid (principal is Agent, action, resource)
                when { context.flow.labels.contains("secret") && principal.tier == "autonomous" };
                """);
        for (int i = forbids; i < policyCount; i++) {
            String tool = TOOLS[random.nextInt(TOOLS.length)];
            String purpose = PURPOSES[random.nextInt(PURPOSES.length)];
            if (random.nextInt(3) == 0) {
                int team = random.nextInt(teams);
                text.append("@id(\"team-")
                        .append(i)
                        .append("\")\npermit (principal in Team::\"t")
                        .append(team)
                        .append("\", action == Action::\"")
                        .append(tool)
                        .append("\", resource == Server::\"")
                        .append(server(tool))
                        .append("\")\nwhen { context.mandate.purpose == \"")
                        .append(purpose)
                        .append("\" && context.flow.sensitivity <= ")
                        .append(1 + random.nextInt(3))
                        .append(" };\n");
            } else {
                int agent = random.nextInt(agents);
                String other = TOOLS[random.nextInt(TOOLS.length)];
                text.append("@id(\"agent-")
                        .append(i)
                        .append("\")\npermit (principal == Agent::\"a")
                        .append(agent)
                        .append("\", action in [Action::\"")
                        .append(tool)
                        .append("\", Action::\"")
                        .append(other)
                        .append("\"], resource)\nwhen { context.mandate.purpose == \"")
                        .append(purpose)
                        .append("\" && context.mandate.depth <= ")
                        .append(1 + random.nextInt(3))
                        .append(" && !context.flow.labels.contains(\"")
                        .append(LABELS[random.nextInt(LABELS.length)])
                        .append("\") };\n");
            }
        }
        return new AgentDeploymentWorkload(text.toString(), entities(agents, teams), calls(random, agents));
    }

    private static String server(String tool) {
        return tool.substring(0, tool.indexOf('.'));
    }

    private static String entities(int agents, int teams) {
        StringBuilder json = new StringBuilder("[");
        for (int t = 0; t < teams; t++) {
            json.append("{\"uid\":{\"type\":\"Team\",\"id\":\"t").append(t).append("\"},\"attrs\":{},\"parents\":[]},");
        }
        for (int a = 0; a < agents; a++) {
            json.append("{\"uid\":{\"type\":\"Agent\",\"id\":\"a")
                    .append(a)
                    .append("\"},\"attrs\":{\"owner\":\"team-")
                    .append(a % teams)
                    .append("\",\"tier\":\"")
                    .append(a % 3 == 0 ? "copilot" : "autonomous")
                    .append("\"},\"parents\":[{\"type\":\"Team\",\"id\":\"t")
                    .append(a % teams)
                    .append("\"}]},");
        }
        json.append("{\"uid\":{\"type\":\"Action\",\"id\":\"egress\"},\"attrs\":{},\"parents\":[]},");
        json.append("{\"uid\":{\"type\":\"Action\",\"id\":\"destructive\"},\"attrs\":{},\"parents\":[]},");
        List<String> servers = new ArrayList<>();
        for (String tool : TOOLS) {
            json.append("{\"uid\":{\"type\":\"Action\",\"id\":\"")
                    .append(tool)
                    .append("\"},\"attrs\":{},\"parents\":[");
            String groups = "";
            if (List.of(EGRESS).contains(tool)) {
                groups = "{\"type\":\"Action\",\"id\":\"egress\"}";
            } else if (List.of(DESTRUCTIVE).contains(tool)) {
                groups = "{\"type\":\"Action\",\"id\":\"destructive\"}";
            }
            json.append(groups).append("]},");
            if (!servers.contains(server(tool))) {
                servers.add(server(tool));
            }
        }
        for (String s : servers) {
            json.append("{\"uid\":{\"type\":\"Server\",\"id\":\"")
                    .append(s)
                    .append("\"},\"attrs\":{},\"parents\":[]},");
        }
        json.setLength(json.length() - 1);
        return json.append(']').toString();
    }

    private static List<Call> calls(SplittableRandom random, int agents) {
        List<Call> calls = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            String tool = TOOLS[random.nextInt(TOOLS.length)];
            List<Object> labels = new ArrayList<>();
            for (String label : LABELS) {
                if (random.nextInt(4) == 0) {
                    labels.add(label);
                }
            }
            Map<String, Object> context = Map.of(
                    "mandate",
                    Map.of(
                            "purpose",
                            PURPOSES[random.nextInt(PURPOSES.length)],
                            "depth",
                            (long) random.nextInt(3),
                            "tier",
                            "autonomous"),
                    "flow",
                    Map.of(
                            "labels",
                            labels,
                            "sensitivity",
                            (long) random.nextInt(4),
                            "untrusted",
                            labels.contains("untrusted")),
                    "approval",
                    Map.of("granted", random.nextInt(8) == 0));
            calls.add(new Call("a" + random.nextInt(agents), tool, server(tool), context));
        }
        return calls;
    }
}
