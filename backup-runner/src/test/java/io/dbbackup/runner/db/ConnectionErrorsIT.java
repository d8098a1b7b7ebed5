package io.dbbackup.runner.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.api.v1alpha1.SslMode;
import io.dbbackup.runner.RunnerMain;
import io.dbbackup.runner.config.Secret;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection failures against a real server: the ones waiting can heal are retried on the backoff
 * schedule, the others end the run at once with their cause in words. The schedule is long (10
 * minutes, doubling) and the waits are recorded instead of slept, so a retry shows as a recorded
 * wait and no test depends on timing.
 */
class ConnectionErrorsIT {
  private static final int LONG_INTERVAL_S = 600;

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  private RunSettings recordingWaits() {
    return new RunSettings(
        Clock.systemUTC(), Duration.ofSeconds(10), waits::add, RunListener.NONE, "test", null);
  }

  private record Run(int exitCode, String err, String log) {}

  private Run backup(BackupFixture fixture, String yaml) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, yaml);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (LogCapture logs = LogCapture.open()) {
      int code =
          RunnerMain.commandLine(recordingWaits(), new PrintWriter(out), new PrintWriter(err))
              .execute(
                  "backup",
                  "-f",
                  config.toString(),
                  "--secrets-dir",
                  fixture.secretsDir().toString());
      return new Run(code, err.toString(), logs.text());
    }
  }

  private BackupFixture fixture(PostgresCluster pg) {
    return new BackupFixture(dir, pg).connectRetry(3, LONG_INTERVAL_S);
  }

  @Test
  void aRefusedConnectionIsRetriedOnTheSchedule() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = fixture(pg);
    pg.stop();

    Run run = backup(fixture, fixture.yaml());

    assertThat(run.exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(LONG_INTERVAL_S), Duration.ofSeconds(2 * LONG_INTERVAL_S));
    assertThat(run.log()).contains("unreachable after 3 attempt(s)").contains("refused");
  }

  @Test
  void anUnknownHostFailsAtOnceSayingDns() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    assumeTrue(unresolvable("no-such-host.invalid"), "no-such-host.invalid resolves here");
    BackupFixture fixture = fixture(pg);
    String yaml = fixture.yaml().replace("host: " + pg.host(), "host: no-such-host.invalid");
    assertThat(yaml).contains("host: no-such-host.invalid");

    Run run = backup(fixture, yaml);

    // Not 3, which the Job retries: no retry finds the host.
    assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(waits).isEmpty();
    assertThat(run.log())
        .contains("no-such-host.invalid")
        .contains("not found (DNS): check spec.database.host")
        .doesNotContain("db_unreachable");
  }

  @Test
  void anEmptyPasswordFileFailsAtOnceNamingTheFile() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = fixture(pg);
    Path file = fixture.secretsDir().resolve("pg-backup/password");
    Files.writeString(file, "\n");

    Run run = backup(fixture, fixture.yaml());

    assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(waits).isEmpty();
    assertThat(run.log())
        .contains("spec.database.passwordSecretRef: password file " + file + " is empty")
        .doesNotContain("db_unreachable");
  }

  @Test
  void aWrongPasswordFailsAtOnceNamingTheFields() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = fixture(pg);
    Files.writeString(fixture.secretsDir().resolve("pg-backup/password"), "not-the-password\n");

    Run run = backup(fixture, fixture.yaml());

    // Not 3, which the Job retries: the password stays wrong.
    assertThat(run.exitCode()).isEqualTo(ExitCode.PERMISSION_DENIED.code());
    assertThat(waits).isEmpty();
    assertThat(run.log())
        .contains("password authentication failed for user")
        .contains("spec.database.user and spec.database.passwordSecretRef")
        .doesNotContain("not-the-password")
        .doesNotContain("db_unreachable");
  }

  @Test
  void aDatabaseThatDoesNotExistFailsAtOnce() {
    PostgresCluster pg = pgExtension.cluster();
    DatabaseProbe probe =
        new DatabaseProbe(settings(pg, pg.superuser(), pg.password()), 3, long_(), waits::add);

    RunnerException e =
        catchThrowableOfType(RunnerException.class, () -> probe.connect("no_such_db"));

    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("database \"no_such_db\" does not exist");
    assertThat(waits).isEmpty();
  }

  @Test
  void aLoginTheServerRefusesFailsAtOnceWithExit10() {
    PostgresCluster pg = pgExtension.cluster();
    pg.execute("postgres", "CREATE ROLE nologin_role NOLOGIN PASSWORD 'pw'");
    DatabaseProbe probe =
        new DatabaseProbe(settings(pg, "nologin_role", "pw"), 3, long_(), waits::add);

    RunnerException e =
        catchThrowableOfType(RunnerException.class, () -> probe.connect("postgres"));

    assertThat(e.exitCode()).isEqualTo(ExitCode.PERMISSION_DENIED);
    assertThat(e.getMessage())
        .contains("the server refused user \"nologin_role\"")
        .contains("spec.database.user and spec.database.passwordSecretRef");
    assertThat(waits).isEmpty();
  }

  @Test
  void tooManyConnectionsIsRetried() {
    PostgresCluster pg = pgExtension.cluster();
    pg.execute("postgres", "CREATE ROLE limited LOGIN PASSWORD 'limited-pw' CONNECTION LIMIT 0");
    DatabaseProbe probe =
        new DatabaseProbe(settings(pg, "limited", "limited-pw"), 2, long_(), waits::add);

    RunnerException e =
        catchThrowableOfType(RunnerException.class, () -> probe.connect("postgres"));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE);
    assertThat(e.getMessage()).contains("unreachable after 2 attempt(s)").contains("too many");
    assertThat(waits).containsExactly(long_());
  }

  private static Duration long_() {
    return Duration.ofSeconds(LONG_INTERVAL_S);
  }

  private static ConnectionSettings settings(PostgresCluster pg, String user, String password) {
    return new ConnectionSettings(
        pg.host(), pg.port(), user, new Secret(password), SslMode.DISABLE);
  }

  private static boolean unresolvable(String host) {
    try {
      InetAddress.getByName(host);
      return false;
    } catch (UnknownHostException e) {
      return true;
    }
  }
}
