package dev.mandate.store.credential;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A scope template for PostgreSQL roles: what a lease of that scope may do, as {@code <privileges> ON <tables>}
 * clauses separated by {@code ;}, e.g. {@code SELECT ON public.orders, public.customers; INSERT ON public.events}.
 * Privileges come from a fixed list and identifiers must be plain lower-case SQL names, so nothing from configuration
 * reaches SQL unvalidated; the generated statements quote every identifier.
 */
final class GrantTemplate {
    /** The longest template accepted. */
    static final int MAX_LENGTH = 2000;

    private static final Set<String> PRIVILEGES = Set.of("SELECT", "INSERT", "UPDATE", "DELETE");
    private static final Pattern IDENT = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern CLAUSE = Pattern.compile("(?i)\\s*([a-z ,]+?)\\s+on\\s+(.+?)\\s*");

    private record Clause(List<String> privileges, List<String> tables) {}

    private final List<Clause> clauses;
    private final Set<String> schemas;

    private GrantTemplate(List<Clause> clauses, Set<String> schemas) {
        this.clauses = clauses;
        this.schemas = schemas;
    }

    /**
     * Parses a template.
     *
     * @param key the configuration key it came from, named in errors
     * @param text the template
     * @return the template
     * @throws MandateException with {@code BAD_CONFIG} naming the key, the bad part and the rule
     */
    static GrantTemplate parse(String key, String text) {
        if (text.isBlank() || text.length() > MAX_LENGTH) {
            throw bad(key, text, "a grant template is 1 to " + MAX_LENGTH + " characters");
        }
        List<Clause> clauses = new ArrayList<>();
        Set<String> schemas = new LinkedHashSet<>();
        for (String part : text.split(";", -1)) {
            var m = CLAUSE.matcher(part);
            if (!m.matches()) {
                throw bad(key, part, "each clause is '<privileges> ON <schema.table>[, ...]'");
            }
            List<String> privileges = new ArrayList<>();
            for (String p : m.group(1).split(",", -1)) {
                String priv = p.strip().toUpperCase(Locale.ROOT);
                if (!PRIVILEGES.contains(priv)) {
                    throw bad(key, p.strip(), "privileges are SELECT, INSERT, UPDATE, DELETE");
                }
                privileges.add(priv);
            }
            List<String> tables = new ArrayList<>();
            for (String t : m.group(2).split(",", -1)) {
                String table = t.strip();
                String[] parts = table.split("\\.", -1);
                String schema = parts.length == 2 ? parts[0] : "public";
                String name = parts[parts.length - 1];
                if (parts.length > 2
                        || !IDENT.matcher(schema).matches()
                        || !IDENT.matcher(name).matches()) {
                    throw bad(key, table, "a table is [schema.]name of lower-case letters, digits and _");
                }
                schemas.add(schema);
                tables.add(quote(schema) + "." + quote(name));
            }
            clauses.add(new Clause(List.copyOf(privileges), List.copyOf(tables)));
        }
        return new GrantTemplate(List.copyOf(clauses), Set.copyOf(schemas));
    }

    /**
     * Returns the statements that grant this template to a role.
     *
     * @param quotedRole the role, already validated and quoted
     * @return GRANT statements
     */
    List<String> grants(String quotedRole) {
        List<String> sql = new ArrayList<>();
        for (String schema : schemas) {
            sql.add("GRANT USAGE ON SCHEMA " + quote(schema) + " TO " + quotedRole);
        }
        for (Clause c : clauses) {
            sql.add("GRANT " + String.join(", ", c.privileges()) + " ON TABLE " + String.join(", ", c.tables()) + " TO "
                    + quotedRole);
        }
        return sql;
    }

    /**
     * Quotes an identifier that already matched the identifier pattern.
     *
     * @param ident a validated identifier
     * @return the identifier in double quotes
     */
    static String quote(String ident) {
        if (!IDENT.matcher(ident).matches()) {
            throw new IllegalArgumentException("not a validated identifier: " + ident);
        }
        return '"' + ident + '"';
    }

    private static MandateException bad(String key, String value, String rule) {
        return new MandateException(ErrorCode.BAD_CONFIG, key + ": invalid grant template '" + value + "': " + rule);
    }
}
