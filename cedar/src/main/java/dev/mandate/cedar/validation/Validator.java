package dev.mandate.cedar.validation;

import dev.mandate.cedar.Policy;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.internal.ast.PolicyAsts;
import dev.mandate.cedar.schema.Schema;
import java.util.ArrayList;
import java.util.List;

/** Validates Cedar policies against a schema with the reference validator's rules. Stateless and thread-safe. */
public final class Validator {
    private Validator() {}

    /**
     * Validates in {@link ValidationMode#STRICT} mode.
     *
     * @param schema the schema
     * @param policies the policies; templates are checked with their slots, links are skipped (their template
     *     is checked)
     * @return every problem found
     */
    public static ValidationResult validate(Schema schema, PolicySet policies) {
        return validate(schema, policies, ValidationMode.STRICT);
    }

    /**
     * Validates every policy and template of a set.
     *
     * @param schema the schema
     * @param policies the policies; links are skipped (their template is checked)
     * @param mode strict or permissive typing
     * @return every problem found
     */
    public static ValidationResult validate(Schema schema, PolicySet policies, ValidationMode mode) {
        List<ValidationError> errors = new ArrayList<>();
        for (Policy p : policies.policies()) {
            if (p.templateId() != null) {
                continue;
            }
            errors.addAll(new Typechecker(schema, mode, p.id(), PolicyAsts.of(p)).check());
        }
        return new ValidationResult(errors);
    }
}
