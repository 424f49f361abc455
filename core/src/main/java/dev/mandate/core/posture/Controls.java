package dev.mandate.core.posture;

import java.util.List;

/**
 * The controls a rule serves: OWASP Top 10 Non-Human Identities Risks 2025 ({@code NHI1}..{@code NHI10}), OWASP Top
 * 10 for Agentic Applications 2026 ({@code ASI01}..{@code ASI10}) and the NIST AI RMF 1.0 function ({@code GOVERN},
 * {@code MAP}, {@code MEASURE}, {@code MANAGE}).
 *
 * @param owaspNhi NHI risk ids
 * @param owaspAgentic agentic risk ids
 * @param nistAiRmf AI RMF functions
 */
public record Controls(List<String> owaspNhi, List<String> owaspAgentic, List<String> nistAiRmf) {
    /** Copies the lists. */
    public Controls {
        owaspNhi = List.copyOf(owaspNhi);
        owaspAgentic = List.copyOf(owaspAgentic);
        nistAiRmf = List.copyOf(nistAiRmf);
    }
}
