package io.dbbackup.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  static final String GOOD =
      """
      apiVersion: dbbackup.io/v1alpha1
      kind: DatabaseBackup
      metadata: {name: orders-db, namespace: shop}
      spec:
        database: {host: pg, user: backup, passwordSecretRef: {name: pg-backup, key: password}}
        storage: {volume: {path: /backup/database}}
      """;

  BackupConfig load(String yaml) throws Exception {
    Path f = dir.resolve("b.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, new SecretFiles(dir));
  }

  void refused(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessageContaining(message);
  }

  @Test
  void loadsTheResourceAUserApplies() throws Exception {
    BackupConfig c = load(GOOD);
    assertThat(c.qualifiedName()).isEqualTo("shop/orders-db");
    assertThat(c.spec().getRetention().getDays()).isEqualTo(30);
    assertThat(c.zone().getId()).isEqualTo("Z");
  }

  @Test
  void namesTheFieldOfEveryProblem() {
    refused(GOOD + "  retention: {dayz: 3}\n", "spec.retention.dayz: unknown field");
    refused(
        GOOD + "  timeoutMinutes: soon\n",
        "spec.timeoutMinutes: expected an integer, got the string \"soon\"");
    refused(
        GOOD + "  compression: {algorithm: lz4}\n", "spec.compression.algorithm: expected one of");
    refused(GOOD.replace("kind: DatabaseBackup", "kind: Pod"), "kind: expected DatabaseBackup");
    refused(GOOD.replace("host: pg, ", ""), "spec.database.host: must be set");
    refused("spec: [", "not valid YAML");
  }

  @Test
  void aMissingFileIsAConfigError() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), new SecretFiles(dir)))
        .hasMessageContaining("nope.yaml: no such file");
  }

  @Test
  void secretsComeFromMountedFilesAndNeverPrintThemselves() throws Exception {
    Files.createDirectories(dir.resolve("pg-backup"));
    Files.writeString(dir.resolve("pg-backup/password"), "s3cr3t\n");
    BackupConfig c = load(GOOD);
    Secret s =
        c.secrets()
            .read("spec.database.passwordSecretRef", c.spec().getDatabase().getPasswordSecretRef());
    assertThat(s.value()).isEqualTo("s3cr3t");
    assertThat(s.toString()).doesNotContain("s3cr3t");
    assertThatThrownBy(
            () ->
                c.secrets()
                    .read(
                        "spec.database.passwordSecretRef",
                        new io.dbbackup.api.v1alpha1.SecretKeyRef("other", "password")))
        .hasMessageContaining("spec.database.passwordSecretRef: secret file")
        .hasMessageContaining("other/password not found");
  }
}
