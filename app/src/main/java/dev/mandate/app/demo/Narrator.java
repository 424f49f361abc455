package dev.mandate.app.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the demo on the terminal: each step's title, the call it makes, the outcome against the expected one with the
 * reason and policy ids. ANSI colours only when asked (when stdout is a terminal). Keeps the steps whose outcome did
 * not match, for the exit code.
 */
final class Narrator {
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";

    /** One step whose outcome differed from the expected one. */
    record Mismatch(int step, String title, Outcome expected, Outcome actual, String reason) {}

    private final PrintWriter out;
    private final boolean colour;
    private final List<Mismatch> mismatches = new ArrayList<>();
    private int step;
    private String title = "";

    Narrator(PrintWriter out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    void section(String text) {
        out.println();
        out.println(paint(BOLD + CYAN, "== " + text));
        out.flush();
    }

    void step(String text) {
        step++;
        title = text;
        out.println(paint(BOLD, String.format("[%2d] %s", step, text)));
        out.flush();
    }

    void call(String text) {
        out.println("     " + paint(DIM, "> " + text));
        out.flush();
    }

    void note(String text) {
        out.println("     " + text);
        out.flush();
    }

    /** Prints the outcome and remembers it if it is not the expected one. */
    void outcome(Outcome expected, Outcome actual, String reason) {
        boolean matched = expected == actual;
        String colourOf = switch (actual) {
            case OK, ALLOW -> GREEN;
            case APPROVAL_REQUIRED -> YELLOW;
            case DENY, REFUSED, ERROR -> RED;
        };
        String verdict = paint(BOLD + colourOf, actual.wireName().toUpperCase(java.util.Locale.ROOT));
        String check = matched
                ? paint(GREEN, "(as expected)")
                : paint(BOLD + RED, "(EXPECTED " + expected.wireName().toUpperCase(java.util.Locale.ROOT) + ")");
        out.println("     = " + verdict + " " + check + (reason.isEmpty() ? "" : " " + reason));
        out.flush();
        if (!matched) {
            mismatches.add(new Mismatch(step, title, expected, actual, reason));
        }
    }

    List<Mismatch> mismatches() {
        return List.copyOf(mismatches);
    }

    int steps() {
        return step;
    }

    private String paint(String codes, String text) {
        return colour ? codes + text + RESET : text;
    }
}
