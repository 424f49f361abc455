package dev.mandate.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code mandate} command: only subcommands do work. */
@Command(
        name = "mandate",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        header = "Mandate decides, at run time, what AI agents may do.",
        description = {
            "",
            "Agents prove what they are (SPIFFE/OIDC), get a short-lived mandate for",
            "one task, and every tool call is decided by Cedar policies that see the",
            "task's whole context. Credentials are minted per task and die with it;",
            "every step lands in a tamper-evident audit log.",
            ""
        },
        footer = {
            "",
            "Start here:",
            "  mandate demo                  see it work: sample tools, policies, a scripted agent",
            "  mandate serve                 run a node on embedded defaults",
            "                                (data in ./data, listening on 127.0.0.1:8080)",
            "  mandate serve --listen 127.0.0.1:0",
            "                                let the OS pick a port; the chosen one is printed",
            "  mandate help serve            every option of serve and its environment variable",
            "  mandate agent register <name> --owner <team>",
            "                                register an agent on a running node",
            "",
            "Exit codes: 0 ok, 1 failed check, 2 bad usage or request, 3 unauthenticated,",
            "  4 forbidden, 5 not found, 6 conflict, 69 unavailable, 70 internal error,",
            "  78 bad configuration."
        },
        subcommands = {
            ServeCommand.class,
            StatusCommand.class,
            AgentCommand.class,
            MandateCliCommand.class,
            AuditCommand.class,
            TokenCommand.class,
            PolicyCommand.class,
            LeaseCommand.class,
            SchemaCommand.class,
            ApprovalCommand.class,
            AccessCommand.class,
            PostureCommand.class,
            dev.mandate.app.demo.DemoCommand.class,
            picocli.CommandLine.HelpCommand.class
        })
final class MandateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    MandateCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command, e.g. 'mandate serve' (see mandate --help)");
    }
}
