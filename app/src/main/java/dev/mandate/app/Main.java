package dev.mandate.app;

/** Entry point of {@code mandate}. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(0);
    }
}
