package dev.mandate.cedar.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.schema.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class ValidatorTest {
    private static final Schema SCHEMA = Schema.parseCedar("""
            namespace App {
              entity Group;
              entity User in [Group] {
                name: String,
                age: Long,
                manager?: User,
                tags: Set<String>,
                info: { dept: String, level?: Long }
              };
              entity Doc { owner: User, public: Bool } tags String;
              entity Color enum ["red", "green"];
              action view appliesTo { principal: [User], resource: [Doc], context: { ip: ipaddr, mfa?: Bool } };
              action paint appliesTo { principal: [User], resource: [Color] };
              action orphan;
            }
            """);

    private static final String VIEW = "permit(principal, action == App::Action::\"view\", resource) when { ";

    private static ValidationResult validate(String policies) {
        return Validator.validate(SCHEMA, PolicySet.parse(policies));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                VIEW + "principal.name == \"a\" && resource.owner == principal };",
                VIEW + "principal has manager && principal.manager.age > 3 };",
                VIEW + "if principal has manager then principal.manager.age > 3 else false };",
                VIEW + "(principal has manager && principal.manager.age > 3) || principal.age < 1 };",
                VIEW + "principal.info has level && principal.info.level == 2 };",
                VIEW + "context has mfa && context.mfa };",
                VIEW + "resource.hasTag(\"k\") && resource.getTag(\"k\") like \"x*\" };",
                VIEW + "context.ip.isInRange(ip(\"10.0.0.0/8\")) && !context.ip.isLoopback() };",
                VIEW + "principal.tags.contains(\"a\") && principal.tags.containsAll([\"a\", \"b\"]) };",
                VIEW + "principal in App::Group::\"g\" && principal is App::User };",
                VIEW + "principal.age + 1 * 2 - 3 < 10 && -principal.age <= 0 };",
                VIEW + "decimal(\"1.5\").lessThan(decimal(\"2.0\")) };",
                VIEW + "datetime(\"2024-01-01\").offset(duration(\"1h\")).toTime().toHours() == 1 };",
                VIEW + "principal == resource.owner || resource == App::Doc::\"d\" };",
                VIEW + "{a: 1, b: \"x\"}.a == 1 && [1, 2].contains(principal.age) };",
                VIEW + "principal has nope && principal.nope == 1 };",
                VIEW + "false && principal.nope == 1 };",
                VIEW + "datetime(\"2024-01-01\") < datetime(\"2024-02-01\") && duration(\"1h\") >= duration(\"1m\") };",
                VIEW + "!(principal == resource) || principal.nope == 1 };",
                VIEW + "action == App::Action::\"paint\" && principal.nope == 1 };",
                VIEW + "action in [App::Action::\"paint\"] && principal.nope == 1 };",
                VIEW + "resource has nope && resource.nope == 1 };",
                "permit(principal, action == App::Action::\"paint\", resource) when { resource == App::Color::\"red\" };",
                "permit(principal == ?principal, action, resource in ?resource);",
                "forbid(principal, action in [App::Action::\"view\", App::Action::\"paint\"], resource);",
            })
    void aWellTypedPolicyValidates(String policy) {
        assertThat(validate(policy).errors()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '#',
            quoteCharacter = '`',
            value = {
                "unrecognized-entity-type # permit(principal == App::Nope::\"a\", action, resource);",
                "unrecognized-entity-type # permit(principal, action, resource) when { principal is Nope };",
                "unrecognized-action-id # permit(principal, action == App::Action::\"nope\", resource);",
                "invalid-action-application # permit(principal is App::Doc, action == App::Action::\"view\", resource);",
                "invalid-action-application # permit(principal, action == App::Action::\"orphan\", resource);",
                "invalid-enum-entity # permit(principal, action, resource == App::Color::\"blue\");",
                "unsafe-attribute-access # " + "permit(principal, action, resource) when { principal.nmae == \"a\" };",
                "unsafe-attribute-access # " + "permit(principal, action, resource) when { action.name == \"a\" };",
                "unsafe-optional-attribute-access # "
                        + "permit(principal, action, resource) when { principal.manager.age > 3 };",
                "unsafe-optional-attribute-access # "
                        + "permit(principal, action, resource) when { principal.info.level > 3 };",
                "unsafe-optional-attribute-access # "
                        + "permit(principal, action == App::Action::\"view\", resource) when { context.mfa };",
                "unsafe-optional-attribute-access # " + "permit(principal, action, resource) when"
                        + " { principal has manager || principal.manager.age > 3 };",
                "unsafe-optional-attribute-access # " + "permit(principal, action, resource) when"
                        + " { (if principal has manager then true else principal.age > 1) && principal.manager.age > 3 };",
                "unsafe-tag-access # "
                        + "permit(principal, action == App::Action::\"view\", resource) when { resource.getTag(\"k\") == \"v\" };",
                "unsafe-tag-access # permit(principal, action == App::Action::\"view\", resource) when"
                        + " { resource.hasTag(\"j\") && resource.getTag(\"k\") == \"v\" };",
                "no-tags-allowed # permit(principal, action, resource) when { principal.getTag(\"k\") == \"v\" };",
                "unexpected-type # permit(principal, action, resource) when { principal.age like \"x\" };",
                "unexpected-type # permit(principal, action, resource) when { principal.name > 3 };",
                "unexpected-type # permit(principal, action, resource) when { principal.age };",
                "unexpected-type # permit(principal, action, resource) when { principal.name.contains(\"a\") };",
                "unexpected-type # permit(principal, action, resource) when { principal.age in principal };",
                "unexpected-type # permit(principal, action, resource) when { principal.name + 1 == 2 };",
                "unexpected-type # permit(principal, action, resource) when { principal.name has x };",
                "unexpected-type # permit(principal, action, resource) when { decimal(\"1.0\").isIpv4() };",
                "unexpected-type # permit(principal, action, resource) when { decimal(\"1.0\") < decimal(\"2.0\") };",
                "unexpected-type # permit(principal, action, resource) when { ip(\"1.2.3.4\") <= ip(\"1.2.3.5\") };",
                "incompatible-types # permit(principal, action == App::Action::\"view\", resource) when"
                        + " { [principal].contains(resource) };",
                "incompatible-types # permit(principal, action, resource) when { principal.age == \"a\" };",
                "incompatible-types # permit(principal, action, resource) when { [1, \"a\"].contains(1) };",
                "incompatible-types # permit(principal, action, resource) when"
                        + " { (if principal.age > 1 then 1 else \"a\") == 1 };",
                "incompatible-types # permit(principal, action, resource) when { principal.tags.contains(1) };",
                "empty-set-forbidden # permit(principal, action, resource) when { [].isEmpty() };",
                "non-lit-ext-constructor # permit(principal, action, resource) when { ip(principal.name).isIpv4() };",
                "function-argument-validation # permit(principal, action, resource) when { ip(\"not an ip\").isIpv4() };",
                "wrong-number-arguments # permit(principal, action, resource) when { ip(\"1.2.3.4\", \"x\").isIpv4() };",
            })
    void eachKindOfErrorIsReportedWithItsCode(String code, String policy) {
        ValidationResult r = validate(policy);
        assertThat(r.isValid()).isFalse();
        assertThat(r.errors()).extracting(ValidationError::code).contains(code);
        assertThat(r.errors()).allSatisfy(e -> assertThat(e.policyId()).isEqualTo("policy0"));
    }

    @Test
    void anErrorFromTextIsPositionedAtTheExpressionAtFault() {
        String text = "permit(principal, action, resource);\n\n  forbid(principal, action, resource)"
                + " when { principal.manger == principal };\n"
                + "permit(principal, action, resource) when {\n  true &&\n    (1 + \"one\") > 0 };";
        ValidationResult r = Validator.validate(SCHEMA, text, ValidationMode.STRICT);
        assertThat(r.errors())
                .extracting(ValidationError::toString)
                .containsExactly(
                        "policy1 3:46: [unsafe-attribute-access] "
                                + r.errors().get(0).message(),
                        "policy2 6:6: [unexpected-type] " + r.errors().get(1).message());
        assertThat(r.errors().get(1).message()).contains("right operand of ADD");
    }

    @Test
    void anErrorNamesThePolicyItsPositionAndTheAttribute() {
        ValidationResult r = validate("permit(principal, action, resource);\n\n  forbid(principal, action, resource)"
                + " when { principal.manger == principal };");
        assertThat(r.errors()).hasSize(1);
        ValidationError e = r.errors().get(0);
        assertThat(e.policyId()).isEqualTo("policy1");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.message()).contains("App::User").contains("`principal.manger`");
        assertThat(e.toString()).startsWith("policy1 3:3: [unsafe-attribute-access]");
    }

    @Test
    void anOptionalAttributeErrorQuotesTheAccessAndTheGuardToAdd() {
        ValidationResult r = validate("permit(principal, action, resource) when { principal.manager.age > 3 };");
        assertThat(r.errors())
                .extracting(ValidationError::message)
                .containsExactly("attribute manager of App::User is optional; guard `principal.manager` with"
                        + " `principal has manager`");
    }

    @Test
    void permissiveModeAllowsMixedEntityTypesThatStrictModeRefuses() {
        PolicySet p = PolicySet.parse("permit(principal, action == App::Action::\"view\", resource) when"
                + " { [principal, resource].contains(principal) };");
        assertThat(Validator.validate(SCHEMA, p, ValidationMode.STRICT).errors())
                .extracting(ValidationError::code)
                .containsExactly("incompatible-types");
        assertThat(Validator.validate(SCHEMA, p, ValidationMode.PERMISSIVE).isValid())
                .isTrue();
    }

    @Test
    void theErrorsOfEveryPolicyAreReportedInSetOrder() {
        ValidationResult r = validate("permit(principal, action, resource) when { principal.x == 1 };"
                + "permit(principal, action, resource);"
                + "permit(principal, action, resource) when { principal.y == 1 };");
        assertThat(r.errors()).extracting(ValidationError::policyId).containsExactly("policy0", "policy2");
    }
}
