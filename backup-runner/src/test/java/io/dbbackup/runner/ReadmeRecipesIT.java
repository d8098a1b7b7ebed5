package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README tells a new user, run as written against password-authenticated (scram) servers:
 * the stock-tool restore pipeline, and the backup role recipe.
 */
class ReadmeRecipesIT {
  private static final Path README = Path.of("..", "README.md");
  private static final Path OPERATIONS = Path.of("..", "docs", "operations.md");

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  private static String readme() throws Exception {
    assumeTrue(Files.exists(README), "README.md beside the module");
    return Files.readString(README);
  }

  /** The README's stock-tool restore line for a gzip backup. */
  private static String restoreLine() throws Exception {
    List<String> lines =
        readme().lines().filter(l -> l.startsWith("gunzip -c dump.sql.gz | ")).toList();
    assertThat(lines).as("the README's restore command").hasSize(1);
    return lines.get(0);
  }

  @Test
  void theDocumentedStockRestoreWorksAgainstAPasswordProtectedServer() throws Exception {
    String line = restoreLine();
    assumeTrue(Files.exists(OPERATIONS));
    assertThat(Files.readString(OPERATIONS)).as("docs/operations.md gives the same").contains(line);
    PostgresCluster source = pgExtension.cluster();
    SampleData.load(source);
    BackupFixture fixture = new BackupFixture(dir, source);
    assertThat(fixture.backup().exitCode()).isZero();
    Path backup = fixture.folders().get(0);
    assertThat(backup.resolve("dump.sql.gz")).exists();

    try (PostgresCluster target = PostgresCluster.start()) {
      assertThat(target.password()).isNotEqualTo(source.password());
      ProcessBuilder pb =
          new ProcessBuilder(
                  "bash", "-o", "pipefail", "-c", line.replace("<target>", target.host()))
              .directory(backup.toFile())
              .redirectErrorStream(true);
      pb.environment().put("PATH", target.binDir() + ":" + System.getenv("PATH"));
      pb.environment().put("PGPASSWORD", target.password());
      pb.environment().put("PGPORT", Integer.toString(target.port()));
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).doesNotContain("password authentication failed");
      assertThat(output.lines().filter(l -> l.contains("ERROR")).toList())
          .as(output)
          .allMatch(l -> l.contains("already exists"));

      // The data and the application roles (with their source passwords) came over; the target's
      // superuser still has its own password (the digest connects with it).
      assertThat(digest(target, target.password())).isEqualTo(digest(source, source.password()));
    }
  }

  /** The README's SQL for the backup role, with {@code password} in place of '...'. */
  private static List<String> roleRecipe(String password) throws Exception {
    String text = readme();
    int start = text.indexOf("```sql\nCREATE ROLE backup");
    assertThat(start).as("the README's backup role recipe").isPositive();
    String block = text.substring(start + "```sql\n".length(), text.indexOf("```", start + 6));
    return block
        .lines()
        .filter(l -> !l.isBlank())
        .map(l -> l.replace("'...'", "'" + password + "'"))
        .toList();
  }

  private BackupFixture asBackupRole(PostgresCluster pg, List<String> statements) throws Exception {
    String version = pg.psql("postgres", "SHOW server_version_num");
    assumeTrue(Integer.parseInt(version.strip()) >= 140000, "pg_read_all_data needs 14+");
    for (String sql : statements) {
      pg.execute("postgres", sql);
    }
    BackupFixture fixture = new BackupFixture(dir, pg);
    Files.writeString(fixture.secretsDir().resolve("pg-backup/password"), "backup-pw-4711\n");
    return fixture;
  }

  private BackupFixture.Result run(BackupFixture fixture, String... specLines) throws Exception {
    String yaml = fixture.yaml().replace("    user: postgres\n", "    user: backup\n");
    assertThat(yaml).contains("user: backup");
    StringBuilder sb = new StringBuilder(yaml);
    for (String l : specLines) {
      sb.append("  ").append(l).append('\n');
    }
    Path config = dir.resolve("as-backup-role.yaml");
    Files.writeString(config, sb.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RunnerMain.commandLine(
                BackupFixture.testSettings(), new PrintWriter(out), new PrintWriter(err))
            .execute(
                "backup",
                "-f",
                config.toString(),
                "--secrets-dir",
                fixture.secretsDir().toString());
    return new BackupFixture.Result(code, out.toString(), err.toString());
  }

  @Test
  void theDocumentedBackupRoleBacksUpAndRecordsHistory() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    SampleData.load(pg);
    // Large objects need more than the recipe, as the README says.
    pg.execute("shop", "SELECT lo_unlink(424242)");
    BackupFixture fixture = asBackupRole(pg, roleRecipe("backup-pw-4711"));

    BackupFixture.Result r = run(fixture);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(fixture.folders()).hasSize(1);
    assertThat(pg.psql("postgres", "SELECT status FROM dbbackup.backup_history"))
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void withoutTheGrantTheRunFailsWith10NamingSpecHistoryBeforeDumping() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    List<String> recipe = roleRecipe("backup-pw-4711");
    List<String> withoutGrant = recipe.stream().filter(l -> !l.startsWith("GRANT")).toList();
    assertThat(withoutGrant).hasSize(recipe.size() - 1);
    BackupFixture fixture = asBackupRole(pg, withoutGrant);

    BackupFixture.Result r = run(fixture);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.PERMISSION_DENIED.code());
    assertThat(r.err())
        .contains("spec.history: role \"backup\" cannot create or write the history tables")
        .contains("CREATE on database postgres")
        .contains("(exit 10, permission denied;")
        .doesNotContain("Flyway")
        .doesNotContain("unreachable");
    assertThat(fixture.folders()).as("nothing dumped").isEmpty();

    // History off: the same role backs up.
    BackupFixture.Result off = run(fixture, "history: {enabled: false}");
    assertThat(off.exitCode()).as(off.err()).isZero();
    assertThat(fixture.folders()).hasSize(1);
  }

  private static Map<String, String> digest(PostgresCluster pg, String password) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", password));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }
}
