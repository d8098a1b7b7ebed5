package io.dbbackup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PostgresClusterIT {

  @Test
  void startsQueriesKillsRestartsAndRemovesItsDirectory() {
    Path dataDir;
    try (PostgresCluster pg = PostgresCluster.start()) {
      dataDir = pg.dataDir();
      pg.execute("postgres", "CREATE TABLE t(x int); INSERT INTO t VALUES (41), (1)");
      assertThat(pg.psql("postgres", "SELECT sum(x) FROM t")).isEqualTo("42");
      assertThat(pg.psql("postgres", "SHOW server_encoding")).isEqualTo("UTF8");

      pg.kill();
      assertThat(pg.isRunning()).isFalse();
      assertThatThrownBy(() -> pg.connect("postgres").close()).isInstanceOf(SQLException.class);

      pg.restart();
      assertThat(pg.psql("postgres", "SELECT sum(x) FROM t")).isEqualTo("42");

      pg.stop();
      assertThat(pg.isRunning()).isFalse();
      pg.restart();
      assertThat(pg.isRunning()).isTrue();
    }
    assertThat(Files.exists(dataDir)).isFalse();
  }

  @Test
  void refusesAWrongPasswordOverTcp() {
    try (PostgresCluster pg = PostgresCluster.start()) {
      assertThatThrownBy(
              () ->
                  java.sql.DriverManager.getConnection(
                          pg.jdbcUrl("postgres"), "postgres", "not-the-password")
                      .close())
          .hasMessageContaining("password authentication failed");
    }
  }
}
