package io.dbbackup.runner.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.SslMode;
import io.dbbackup.runner.error.ExitCode;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which connection failures are retried, and what each says, as the driver raises them. */
class ConnectionErrorsTest {
  private static final ConnectionSettings DB =
      new ConnectionSettings("db.shop", 5432, "backup", null, SslMode.PREFER);
  private static final ConnectionSettings TARGET =
      new ConnectionSettings("restore.shop", 5433, "admin", null, SslMode.PREFER, "spec.target");

  private static SQLException driver(String state, String message, Throwable cause) {
    return new SQLException(message, state, cause);
  }

  @Test
  void errorsThatCanHealAreRetried() {
    assertThat(
            ConnectionErrors.classify(
                    driver("08001", "Connection refused", new ConnectException("refused")),
                    DB,
                    "postgres")
                .retryable())
        .isTrue();
    assertThat(
            ConnectionErrors.classify(
                    driver("08001", "timed out", new SocketTimeoutException("connect timed out")),
                    DB,
                    "postgres")
                .cause())
        .contains("no answer from db.shop:5432");
    var startingUp =
        ConnectionErrors.classify(
            driver("57P03", "the database system is starting up", null), DB, "postgres");
    assertThat(startingUp.retryable()).isTrue();
    assertThat(startingUp.cause()).contains("starting up or shutting down");
    assertThat(
            ConnectionErrors.classify(
                    driver("53300", "sorry, too many clients already", null), DB, "postgres")
                .retryable())
        .isTrue();
    assertThat(
            ConnectionErrors.classify(driver("08006", "EOF", new EOFException()), DB, "postgres")
                .retryable())
        .isTrue();
  }

  @Test
  void errorsWaitingCannotFixFailAtOnceWithTheirCauseInWords() {
    var dns =
        ConnectionErrors.classify(
            driver("08001", "The connection attempt failed.", new UnknownHostException("db.shop")),
            DB,
            "postgres");
    assertThat(dns.retryable()).isFalse();
    assertThat(dns.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG);
    assertThat(dns.cause())
        .startsWith(
            "spec.database.host: host \"db.shop\" not found (DNS): check spec.database.host");

    var password =
        ConnectionErrors.classify(
            driver("28P01", "FATAL: password authentication failed", null), TARGET, "postgres");
    assertThat(password.retryable()).isFalse();
    assertThat(password.exitCode()).isEqualTo(ExitCode.PERMISSION_DENIED);
    assertThat(password.cause())
        .contains("password authentication failed for user \"admin\"")
        .contains("spec.target.user and spec.target.passwordSecretRef")
        .doesNotContain("spec.database");

    var missing =
        ConnectionErrors.classify(
            driver("3D000", "database \"orders\" does not exist", null), DB, "orders");
    assertThat(missing.retryable()).isFalse();
    assertThat(missing.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG);

    var tls =
        ConnectionErrors.classify(
            driver("08004", "The server does not support SSL.", null), DB, "postgres");
    assertThat(tls.retryable()).isFalse();
    assertThat(tls.cause()).contains("SQLSTATE 08004").contains("does not support SSL");
  }
}
