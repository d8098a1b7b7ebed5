package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.Gpg;
import io.dbbackup.runner.support.RestoreResource;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental backups read back: encrypted ones (public keys, passphrase) restored by the runner
 * and by the documented stock-tool recipe with gpg; a missing or corrupted chunk caught by verify
 * and refused by restore before the target is touched.
 */
class IncrementalRestoreIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @TempDir static Path keys;
  static Gpg gpg;
  static Gpg.Key alice;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    SampleData.load(PG.cluster());
    assumeTrue(StockTools.shell(keys, Map.of(), "command -v jq && command -v gpg").exitCode() == 0);
    gpg = new Gpg(keys.resolve("gnupg"));
    alice = gpg.generate("alice@backup.test", "future-default");
  }

  @AfterAll
  static void stopAgent() throws Exception {
    if (gpg != null) {
      gpg.close();
    }
  }

  private BackupFixture fixture(String compression) throws Exception {
    BackupFixture f = new BackupFixture(dir, PG.cluster());
    secret(f, "chunk-key", "key", "an incremental chunk key of more than 32 bytes\n");
    return f.spec("type: incremental")
        .spec("incremental: {chunkKeySecretRef: {name: chunk-key, key: key}}")
        .spec("compression: {algorithm: " + compression + "}");
  }

  private static void secret(BackupFixture f, String secret, String key, String value)
      throws Exception {
    Path file = f.secretsDir().resolve(secret).resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }

  private static Path onlyBackup(BackupFixture f) {
    assertThat(f.folders()).hasSize(1);
    return f.folders().getFirst();
  }

  private static List<Path> chunkFiles(BackupFixture f, Path backup) throws Exception {
    JsonNode index = new ObjectMapper().readTree(backup.resolve("index.json").toFile());
    return Stream.iterate(0, i -> i < index.get("chunks").size(), i -> i + 1)
        .map(i -> f.backupsRoot().resolve(index.get("chunks").get(i).get("file").asText()))
        .toList();
  }

  private BackupFixture.Result restore(BackupFixture f, PostgresCluster target, String decryption)
      throws Exception {
    return restore(f, target, decryption, "[]");
  }

  private BackupFixture.Result restore(
      BackupFixture f, PostgresCluster target, String decryption, String databases)
      throws Exception {
    Path restoreYaml =
        RestoreResource.into(target).databases(databases).decryption(decryption).write(dir);
    return f.run(BackupFixture.testSettings(), "restore", "--restore", restoreYaml.toString());
  }

  private static Map<String, String> digest(PostgresCluster pg) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password()));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }

  /** The documented recipe with another decryption and decompression. */
  private static StockTools.Run stockRestore(
      Path backup, PostgresCluster target, String decrypt, String decompress) throws Exception {
    String line =
        IncrementalBackupIT.recipe()
            .replace("cat \"../$f\"", decrypt + " \"../$f\"")
            .replace("| zstd -dc |", "| " + decompress + " |")
            .replace("<target>", target.host());
    Map<String, String> env = new HashMap<>(gpg.env());
    env.put("PGPASSWORD", target.password());
    env.put("PGPORT", Integer.toString(target.port()));
    env.put("PATH", target.binDir() + ":" + System.getenv("PATH"));
    return StockTools.shell(backup, env, "set -o pipefail; " + line);
  }

  @Test
  void publicKeyChunksRestoreByTheRunnerAndByGpgGunzipPsql() throws Exception {
    BackupFixture f =
        fixture("gzip").spec("encryption: {publicKeysSecretRef: {name: backup-pubkeys}}");
    secret(f, "backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    BackupFixture.Result r = f.backup();
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path backup = onlyBackup(f);
    assertThat(chunkFiles(f, backup)).allMatch(p -> p.toString().endsWith(".gz.gpg"));

    try (PostgresCluster target = PostgresCluster.start()) {
      StockTools.Run stock = stockRestore(backup, target, "gpg --batch -q -d", "gunzip");
      assertThat(stock.exitCode()).as(stock.output()).isZero();
      assertThat(digest(target)).isEqualTo(digest(PG.cluster()));
    }
    secret(f, "restore-keys", "alice.asc", gpg.exportSecret(alice.fingerprint(), ""));
    try (PostgresCluster target = PostgresCluster.start()) {
      BackupFixture.Result restored =
          restore(f, target, "{privateKeySecretRef: {name: restore-keys, key: alice.asc}}");
      assertThat(restored.exitCode()).as(restored.err()).isZero();
      assertThat(digest(target)).isEqualTo(digest(PG.cluster()));
    }
  }

  @Test
  void passphraseChunksRestoreByTheRunnerAndByGpgZstdPsql() throws Exception {
    assumeTrue(StockTools.shell(dir, Map.of(), "command -v zstd").exitCode() == 0);
    BackupFixture f =
        fixture("zstd")
            .spec("encryption: {passphraseSecretRef: {name: backup-pass, key: passphrase}}");
    secret(f, "backup-pass", "passphrase", "correct horse battery staple\n");
    BackupFixture.Result r = f.backup();
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path backup = onlyBackup(f);
    Path pass = dir.resolve("pass.txt");
    Files.writeString(pass, "correct horse battery staple\n");
    BackupFixture.Result verify = f.run(BackupFixture.testSettings(), "verify", "latest");
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(verify.out()).contains("every HMAC matches");

    try (PostgresCluster target = PostgresCluster.start()) {
      StockTools.Run stock =
          stockRestore(
              backup,
              target,
              "gpg --batch -q --pinentry-mode loopback --passphrase-file " + pass + " -d",
              "zstd -dc");
      assertThat(stock.exitCode()).as(stock.output()).isZero();
      assertThat(digest(target)).isEqualTo(digest(PG.cluster()));
    }
    try (PostgresCluster target = PostgresCluster.start()) {
      BackupFixture.Result restored =
          restore(f, target, "{passphraseSecretRef: {name: backup-pass, key: passphrase}}");
      assertThat(restored.exitCode()).as(restored.err()).isZero();
      assertThat(digest(target)).isEqualTo(digest(PG.cluster()));
    }
  }

  @Test
  void aRestoreOfSelectedDatabasesRestoresOnlyThem() throws Exception {
    BackupFixture f = fixture("zstd");
    assertThat(f.backup().exitCode()).isZero();
    try (PostgresCluster target = PostgresCluster.start()) {
      BackupFixture.Result restored = restore(f, target, null, "[shop]");
      assertThat(restored.exitCode()).as(restored.err()).isZero();
      assertThat(RestoreIT.only(digest(target), "shop"))
          .isEqualTo(RestoreIT.only(digest(PG.cluster()), "shop"));
      assertThat(digest(target).keySet()).noneMatch(k -> k.startsWith("analytics "));
    }
  }

  @Test
  void aMissingChunkIsNamedByVerifyAndRefusedByRestoreBeforeTheTargetIsTouched() throws Exception {
    BackupFixture f = fixture("gzip");
    assertThat(f.backup().exitCode()).isZero();
    Path chunk = chunkFiles(f, onlyBackup(f)).getLast();
    Files.delete(chunk);
    namedByVerifyAndRefusedByRestore(f, chunk, "is missing");
  }

  @Test
  void aCorruptedChunkIsNamedByVerifyAndRefusedByRestoreBeforeTheTargetIsTouched()
      throws Exception {
    BackupFixture f = fixture("gzip");
    assertThat(f.backup().exitCode()).isZero();
    Path chunk = chunkFiles(f, onlyBackup(f)).getFirst();
    byte[] b = Files.readAllBytes(chunk);
    b[b.length / 2] ^= 0x01;
    Files.write(chunk, b);
    namedByVerifyAndRefusedByRestore(f, chunk, "is corrupted");
  }

  /**
   * verify names the damaged {@code chunk} as {@code damage}, and restore refuses the backup before
   * the target is touched.
   */
  private void namedByVerifyAndRefusedByRestore(BackupFixture f, Path chunk, String damage)
      throws Exception {
    String name = f.backupsRoot().relativize(chunk).toString();

    BackupFixture.Result verify = f.run(BackupFixture.testSettings(), "verify", "latest");
    assertThat(verify.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(verify.err()).contains("chunk " + name + " " + damage);
    try (PostgresCluster target = PostgresCluster.start()) {
      Map<String, String> before = digest(target);
      BackupFixture.Result restored = restore(f, target, null);
      assertThat(restored.exitCode()).as(restored.err()).isEqualTo(7);
      assertThat(restored.err()).contains(name).contains("nothing was restored");
      assertThat(digest(target)).isEqualTo(before);
    }
  }
}
