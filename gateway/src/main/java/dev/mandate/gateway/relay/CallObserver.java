package dev.mandate.gateway.relay;

import org.jspecify.annotations.Nullable;

/** What an upstream tells the relay about one call while it runs: progress, and how to cancel it. */
interface CallObserver {
    /** Ignores progress and never cancels. */
    CallObserver NONE = new CallObserver() {
        @Override
        public void progress(double progress, @Nullable Double total, @Nullable String message) {}

        @Override
        public void cancellable(Runnable cancel) {}
    };

    /**
     * The upstream reported progress on the call.
     *
     * @param progress how far, increasing
     * @param total the total, if known
     * @param message a human-readable note, if any
     */
    void progress(double progress, @Nullable Double total, @Nullable String message);

    /**
     * Hands over the action that cancels the call upstream; called once, before the request is sent.
     *
     * @param cancel sends {@code notifications/cancelled} upstream and ends the wait for the answer
     */
    void cancellable(Runnable cancel);
}
