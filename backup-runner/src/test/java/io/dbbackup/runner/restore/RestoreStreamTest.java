package io.dbbackup.runner.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RestoreStreamTest {
  static String copy(String script, String role) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n =
        RestoreStream.copy(
            new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out, role);
    assertThat(n).isEqualTo(out.size());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dropsOnlyTheRestoringRolesPasswordAndOnlyInTheGlobals() throws Exception {
    String script =
        """
        CREATE ROLE postgres;
        ALTER ROLE postgres WITH SUPERUSER INHERIT LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc';
        CREATE ROLE shop_app;
        ALTER ROLE shop_app WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:def';
        \\connect template1
        ALTER ROLE postgres WITH LOGIN PASSWORD 'data, not globals';
        """;
    String out = copy(script, "postgres");
    assertThat(out)
        .contains("ALTER ROLE postgres WITH SUPERUSER INHERIT LOGIN;\n")
        .contains("ALTER ROLE shop_app WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:def';")
        .contains("ALTER ROLE postgres WITH LOGIN PASSWORD 'data, not globals';")
        .doesNotContain("abc");
  }

  @Test
  void matchesAQuotedRoleNameAndPassesEverythingElseThrough() throws Exception {
    String script = "ALTER ROLE \"Admin\" WITH SUPERUSER PASSWORD 'x';\nSELECT 1;\n";
    assertThat(copy(script, "Admin"))
        .isEqualTo("ALTER ROLE \"Admin\" WITH SUPERUSER;\nSELECT 1;\n");
    assertThat(copy("no newline at end", "postgres")).isEqualTo("no newline at end");
  }
}
