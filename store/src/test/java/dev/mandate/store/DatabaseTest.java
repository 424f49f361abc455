package dev.mandate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class DatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void embeddedStoreIsMigratedAndReady() throws Exception {
        try (Database db = Database.openEmbedded(dataDir)) {
            assertThat(db.isReady()).isTrue();
            assertThat(db.dialect()).isEqualTo(Database.Dialect.H2);
            try (Connection c = db.dataSource().getConnection();
                    ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM store_metadata")) {
                assertThat(rs.next()).isTrue();
            }
        }
        assertThat(dataDir.resolve("mandate.mv.db")).exists();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void bothStoresMigrateTheSameSchema(TestDatabases.Kind kind) throws Exception {
        try (Database db = TestDatabases.open(kind, dataDir);
                Connection c = db.dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success = TRUE")) {
            assertThat(db.isReady()).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isPositive();
        }
    }

    @Test
    void closedStoreIsNotReady() {
        Database db = Database.openEmbedded(dataDir);
        db.close();
        assertThat(db.isReady()).isFalse();
    }

    @Test
    void unsupportedUrlIsRefusedNamingTheKeyWithoutThePassword() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://h/db?password=hunter2", "u", "p", 2))
                .isInstanceOf(MandateException.class)
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("store.url")
                .hasMessageNotContaining("hunter2");
    }
}
