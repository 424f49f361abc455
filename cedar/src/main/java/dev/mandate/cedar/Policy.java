package dev.mandate.cedar;

import dev.mandate.cedar.internal.ast.PolicyAst;
import dev.mandate.cedar.internal.parse.Parser;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One parsed policy or template with its id. A template has slots ({@code ?principal}, {@code ?resource})
 * and applies only through links made with {@link PolicySet#link(String, String, Map)}.
 */
public final class Policy {
    private final String id;
    private final PolicyAst ast;
    private final @Nullable String templateId;

    static {
        dev.mandate.cedar.internal.ast.PolicyAsts.install(Policy::ast);
    }

    Policy(String id, PolicyAst ast, @Nullable String templateId) {
        this.id = Objects.requireNonNull(id, "id");
        this.ast = ast;
        this.templateId = templateId;
    }

    /**
     * Parses exactly one policy or template with the default limits.
     *
     * @param id the id to give it
     * @param text the policy text
     * @return the policy
     * @throws CedarParseException if the text is not exactly one valid policy
     */
    public static Policy parse(String id, String text) {
        return parse(id, text, Limits.DEFAULTS);
    }

    /**
     * Parses exactly one policy or template.
     *
     * @param id the id to give it
     * @param text the policy text
     * @param limits size and depth limits
     * @return the policy
     * @throws CedarParseException if the text is not exactly one valid policy
     */
    public static Policy parse(String id, String text, Limits limits) {
        List<PolicyAst> asts = Parser.parsePolicies(text, limits);
        if (asts.size() != 1) {
            throw new CedarParseException("expected exactly one policy, found " + asts.size(), 1, 1);
        }
        return new Policy(id, asts.get(0), null);
    }

    /**
     * Returns the id.
     *
     * @return the policy id
     */
    public String id() {
        return id;
    }

    /**
     * Returns the effect.
     *
     * @return permit or forbid
     */
    public Effect effect() {
        return ast.effect();
    }

    /**
     * Returns the annotations, e.g. {@code @id("x")} as {@code id -> x}.
     *
     * @return annotations in written order
     */
    public Map<String, String> annotations() {
        return ast.annotations();
    }

    /**
     * Tells whether this is a template, which applies only through links.
     *
     * @return true for a template
     */
    public boolean isTemplate() {
        return ast.isTemplate();
    }

    /**
     * Returns the template this policy links, if it is a link.
     *
     * @return the template id, or null
     */
    public @Nullable String templateId() {
        return templateId;
    }

    PolicyAst ast() {
        return ast;
    }

    @Override
    public String toString() {
        return "Policy[" + id + ", " + ast.effect() + ", line " + ast.line() + "]";
    }
}
