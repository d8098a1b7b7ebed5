package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret file missing or empty is a config mistake for every command, not only backup: exit 2
 * naming the field, and nothing written anywhere (the store's files and the history tables stay as
 * they were), because each command reads every secret it uses before it touches anything.
 */
class SecretsFirstIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  BackupFixture fixture;
  Path restoreFile;

  @BeforeEach
  void oneEncryptedBackup() throws Exception {
    PostgresCluster pg = PG.cluster();
    fixture =
        new BackupFixture(dir, pg)
            .spec("encryption: {passphraseSecretRef: {name: backup-pass, key: passphrase}}");
    write("backup-pass/passphrase", "correct horse battery staple\n");
    BackupFixture.Result first = fixture.backup();
    assertThat(first.exitCode()).as(first.err()).isZero();
    write("target-pg/password", pg.password() + "\n");
    write("restore-pass/passphrase", "correct horse battery staple\n");
    restoreFile = dir.resolve("restore.yaml");
    // Into the source server itself: every case below must stop before the target is touched.
    Files.writeString(
        restoreFile,
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: orders-db-restore, namespace: shop}
        spec:
          backupRef: {name: orders-db}
          backupId: latest
          overwrite: true
          decryption: {passphraseSecretRef: {name: restore-pass, key: passphrase}}
          target:
            host: %s
            port: %d
            user: postgres
            passwordSecretRef: {name: target-pg, key: password}
        """
            .formatted(pg.host(), pg.port()));
  }

  void write(String secret, String value) throws IOException {
    Path file = fixture.secretsDir().resolve(secret);
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }

  BackupFixture.Result run(String command, String... args) {
    return fixture.run(BackupFixture.testSettings(), command, args);
  }

  BackupFixture.Result restore() {
    return run("restore", "--restore", restoreFile.toString());
  }

  /** Every file under the store with its SHA-256, and the history tables' row counts. */
  Map<String, String> everything() {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> files = Files.walk(fixture.target())) {
      for (Path f : files.toList()) {
        String rel = fixture.target().relativize(f).toString();
        all.put(
            "file " + rel,
            Files.isRegularFile(f)
                ? HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)))
                : "dir");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    all.put(
        "rows",
        PG.cluster()
            .psql(
                "postgres",
                "SELECT (SELECT count(*) FROM dbbackup.backup_history) || '/'"
                    + " || (SELECT count(*) FROM dbbackup.backup_audit) || '/'"
                    + " || (SELECT count(*) FROM dbbackup.backup_settings) || '/'"
                    + " || (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory')"));
    return all;
  }

  void assertRefusedWithNothingWritten(
      Map<String, String> before, BackupFixture.Result r, String field) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(r.err()).contains(field);
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void anEmptyDatabasePasswordStopsVerifyPruneAndRestoreBeforeAnythingIsWritten() throws Exception {
    Map<String, String> before = everything();
    write("pg-backup/password", "");
    String field = "spec.database.passwordSecretRef";
    assertRefusedWithNothingWritten(before, run("verify", "latest"), field);
    assertRefusedWithNothingWritten(before, run("prune"), field);
    assertRefusedWithNothingWritten(before, run("prune", "--dry-run"), field);
    assertRefusedWithNothingWritten(before, restore(), field);
  }

  @Test
  void aMissingPassphraseFileStopsVerifyAndRestore() throws Exception {
    Map<String, String> before = everything();
    Files.delete(fixture.secretsDir().resolve("backup-pass/passphrase"));
    assertRefusedWithNothingWritten(
        before, run("verify", "latest"), "spec.encryption.passphraseSecretRef");
    write("backup-pass/passphrase", "correct horse battery staple\n");
    Files.delete(fixture.secretsDir().resolve("restore-pass/passphrase"));
    assertRefusedWithNothingWritten(before, restore(), "spec.decryption.passphraseSecretRef");
  }

  @Test
  void anEmptyTargetPasswordStopsTheRestore() throws Exception {
    Map<String, String> before = everything();
    write("target-pg/password", "");
    assertRefusedWithNothingWritten(before, restore(), "spec.target.passwordSecretRef");
  }

  @Test
  void aWrongPassphraseIsAConfigMistakeOfVerifyNotABadBackup() throws Exception {
    Map<String, String> before = everything();
    write("backup-pass/passphrase", "not the passphrase\n");
    BackupFixture.Result r = run("verify", "latest");
    assertRefusedWithNothingWritten(before, r, "spec.encryption.passphraseSecretRef");
    assertThat(r.err()).contains("does not open backup");
    BackupFixture.Result byRestore = run("verify", "latest", "--restore");
    assertRefusedWithNothingWritten(before, byRestore, "spec.encryption.passphraseSecretRef");
  }
}
