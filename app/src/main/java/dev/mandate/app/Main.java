package dev.mandate.app;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import picocli.CommandLine;

/** Entry point of {@code mandate}. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Builds the command line with Mandate's error handling: a {@link MandateException} prints one line naming the
     * problem and exits with its code's exit code; anything else is an internal error (exit 70).
     *
     * @return the configured command line
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new MandateCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof MandateException me) {
                commandLine.getErr().println("mandate: " + me.getMessage());
                return me.code().exitCode();
            }
            commandLine.getErr().println("mandate: internal error: " + e);
            return ErrorCode.INTERNAL.exitCode();
        });
        return cli;
    }
}
