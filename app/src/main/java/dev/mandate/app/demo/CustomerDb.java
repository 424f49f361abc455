package dev.mandate.app.demo;

import dev.mandate.core.credential.Secret;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The customer database's MCP server: {@code get_customer} reads one record from PostgreSQL, logged in as the role in
 * the request's {@code Authorization: Basic} header — the JIT credential the gateway injected for the calling
 * mandate. The server has no standing credential of its own. It remembers the last credential it was given so that
 * the demo can show, after the task closed, that logging in with it fails.
 */
final class CustomerDb {
    /** A database login: role name and password. */
    record Login(String user, Secret password) {}

    private final String jdbcUrl;
    private final AtomicReference<@Nullable Login> lastLogin = new AtomicReference<>();

    CustomerDb(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** The last credential a request carried, or null before the first. */
    @Nullable
    Login lastLogin() {
        return lastLogin.get();
    }

    List<McpServerFeatures.SyncToolSpecification> tools() {
        return List.of(SampleTools.tool(
                "get_customer",
                "Read one customer record",
                "{\"type\":\"object\",\"properties\":{\"customerId\":{\"type\":\"string\"}},\"required\":[\"customerId\"]}",
                (exchange, args) -> {
                    Object header = exchange.transportContext().get(ToolServer.AUTHORIZATION);
                    Login login = header instanceof String h ? basic(h) : null;
                    if (login == null) {
                        return SampleTools.error(
                                "no database credential: the request carried no" + " 'Authorization: Basic' header");
                    }
                    lastLogin.set(login);
                    return read(login, String.valueOf(args.getOrDefault("customerId", "")));
                }));
    }

    private McpSchema.CallToolResult read(Login login, String id) {
        try (Connection c = connect(login);
                PreparedStatement s =
                        c.prepareStatement("SELECT id, name, email, phone, plan, notes FROM customers WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return SampleTools.error("no customer " + id);
                }
                Map<String, Object> record = new LinkedHashMap<>();
                for (String column : List.of("id", "name", "email", "phone", "plan", "notes")) {
                    record.put(column, rs.getString(column));
                }
                return McpSchema.CallToolResult.builder()
                        .addTextContent("customer " + id + ": " + record)
                        .structuredContent(record)
                        .build();
            }
        } catch (SQLException e) {
            return SampleTools.error("database refused role " + login.user() + ": " + e.getMessage());
        }
    }

    /**
     * Logs in to the customer database with a credential.
     *
     * @throws SQLException if PostgreSQL refuses it
     */
    Connection connect(Login login) throws SQLException {
        return DriverManager.getConnection(
                jdbcUrl, login.user(), login.password().reveal());
    }

    private static @Nullable Login basic(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? null : new Login(decoded.substring(0, colon), Secret.of(decoded.substring(colon + 1)));
    }
}
