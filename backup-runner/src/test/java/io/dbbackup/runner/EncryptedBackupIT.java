package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestCodec;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.ClusterDigest;
import io.dbbackup.runner.support.Gpg;
import io.dbbackup.runner.support.SampleData;
import io.dbbackup.runner.support.StockTools;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted backups end to end: stock gpg decrypts what the runner wrote, the restore chain {@code
 * gpg -d | gunzip | psql} gives the same data, and tampering or the wrong key is caught.
 */
class EncryptedBackupIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @TempDir static Path keys;
  static Gpg gpg;
  static Gpg.Key alice;
  static Gpg.Key mallory;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    SampleData.load(PG.cluster());
    gpg = new Gpg(keys.resolve("gnupg"));
    alice = gpg.generate("alice@backup.test", "future-default");
    mallory = gpg.generate("mallory@backup.test", "future-default");
  }

  @AfterAll
  static void stopAgent() throws Exception {
    gpg.close();
  }

  BackupFixture fixture(String name) {
    return new BackupFixture(dir, PG.cluster()).name(name);
  }

  void secret(BackupFixture f, String secret, String key, String value) throws Exception {
    Path file = f.secretsDir().resolve(secret).resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }

  static Manifest manifest(Path folder) throws Exception {
    try (InputStream in = Files.newInputStream(folder.resolve("manifest.json"))) {
      return ManifestCodec.decode(in);
    }
  }

  @Test
  void aPublicKeyBackupIsReadByStockGpgAndRestoresWithGpgGunzipPsql() throws Exception {
    BackupFixture f =
        fixture("pubkey").spec("encryption: {publicKeysSecretRef: {name: backup-pubkeys}}");
    secret(f, "backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    assertThat(f.backup().exitCode()).isZero();

    Path folder = f.folders().getFirst();
    assertThat(folder.resolve("dump.sql.gz.gpg")).exists();
    assertThat(
            StockTools.run(folder, Map.of(), "sha256sum", "-c", "dump.sql.gz.gpg.sha256")
                .exitCode())
        .isZero();
    Manifest m = manifest(folder);
    assertThat(m.encryption().mode()).isEqualTo("public-key");
    assertThat(m.encryption().recipients()).containsExactly(alice.fingerprint());
    assertThat(m.encryption().keyIds()).containsExactly(alice.encryptionKeyId());
    // The cluster holds no private key: verified by checksum and OpenPGP structure.
    assertThat(m.verification().mode()).isEqualTo("checksum+openpgp-structure");
    assertThat(
            PG.cluster()
                .psql(
                    "postgres",
                    "SELECT encryption FROM dbbackup.backup_history WHERE name = 'pubkey'"))
        .isEqualTo("public-key");

    // gpg -d | gunzip gives exactly the plain dump the manifest describes ...
    StockTools.Run plain =
        StockTools.shell(
            folder, gpg.env(), "gpg --batch -q -d dump.sql.gz.gpg | gunzip | sha256sum");
    assertThat(plain.output()).startsWith(m.plainSha256());
    // ... and restores into a fresh server as the same data.
    try (PostgresCluster fresh = PostgresCluster.start()) {
      Map<String, String> env = new HashMap<>(gpg.env());
      env.put("PGHOST", fresh.socketDir().toString());
      env.put("PGPORT", Integer.toString(fresh.port()));
      env.put("PGUSER", "postgres");
      StockTools.Run restore =
          StockTools.shell(
              folder, env, "gpg --batch -q -d dump.sql.gz.gpg | gunzip | psql -X -q -d postgres");
      assertThat(restore.exitCode()).as(restore.output()).isZero();
      assertThat(contents(fresh)).isEqualTo(contents(PG.cluster()));
    }
  }

  @Test
  void aPassphraseBackupWithZstdIsVerifiedInFullAndReadByGpgAndZstd() throws Exception {
    BackupFixture f =
        fixture("passphrase")
            .spec("compression: {algorithm: zstd, level: 5}")
            .spec("encryption: {passphraseSecretRef: {name: backup-pass, key: passphrase}}");
    secret(f, "backup-pass", "passphrase", "correct horse battery staple\n");
    assertThat(f.backup().exitCode()).isZero();
    Path folder = f.folders().getFirst();
    Manifest m = manifest(folder);
    assertThat(m.file()).isEqualTo("dump.sql.zst.gpg");
    assertThat(m.verification().mode()).isEqualTo("checksum");
    assertThat(m.encryption().mode()).isEqualTo("passphrase");
    Files.writeString(dir.resolve("pass.txt"), "correct horse battery staple");
    StockTools.Run plain =
        StockTools.shell(
            folder,
            gpg.env(),
            "gpg --batch -q --pinentry-mode loopback --passphrase-file "
                + dir.resolve("pass.txt")
                + " -d dump.sql.zst.gpg | zstd -d -c | sha256sum");
    assertThat(plain.output()).startsWith(m.plainSha256());
  }

  @Test
  void aFlippedCiphertextByteFailsVerifyEvenWithTheChecksumsForged() throws Exception {
    BackupFixture f =
        fixture("tamper")
            .spec(
                "encryption: {publicKeysSecretRef: {name: keys}, verifyPrivateKeySecretRef: {name:"
                    + " verify-key, key: private.asc}}");
    secret(f, "keys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    secret(f, "verify-key", "private.asc", gpg.exportSecret(alice.fingerprint(), ""));
    assertThat(f.backup().exitCode()).isZero();
    Path folder = f.folders().getFirst();
    assertThat(manifest(folder).verification().mode()).isEqualTo("checksum");
    assertThat(f.run(BackupFixture.testSettings(), "verify", "latest").exitCode()).isZero();

    // Someone with write access flips a byte and rewrites both checksums to match. The byte is
    // in the encrypted integrity hash (the last 20 bytes), so the compressed data decrypts intact
    // and only OpenPGP's own check can catch it.
    Path dump = folder.resolve("dump.sql.gz.gpg");
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length - 5] ^= 0x01;
    Files.write(dump, bytes);
    String oldSha = manifest(folder).sha256();
    String newSha =
        StockTools.run(folder, Map.of(), "sha256sum", "dump.sql.gz.gpg").output().substring(0, 64);
    Files.writeString(folder.resolve("dump.sql.gz.gpg.sha256"), newSha + "  dump.sql.gz.gpg\n");
    Files.writeString(
        folder.resolve("manifest.json"),
        Files.readString(folder.resolve("manifest.json")).replace(oldSha, newSha));

    BackupFixture.Result verify = f.run(BackupFixture.testSettings(), "verify", "latest");
    assertThat(verify.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(verify.err()).contains("OpenPGP integrity");
  }

  @Test
  void aRestoreWithTheWrongKeyFailsClearlyAndWithTheRightKeyRestores() throws Exception {
    BackupFixture f =
        fixture("orders-db").spec("encryption: {publicKeysSecretRef: {name: backup-pubkeys}}");
    secret(f, "backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    assertThat(f.backup().exitCode()).isZero();
    secret(f, "restore-keys", "mallory.asc", gpg.exportSecret(mallory.fingerprint(), ""));
    secret(f, "restore-keys", "alice.asc", gpg.exportSecret(alice.fingerprint(), ""));

    try (PostgresCluster target = PostgresCluster.start()) {
      secret(f, "target-pg", "password", target.password());
      BackupFixture.Result wrong =
          f.run(
              BackupFixture.testSettings(), "restore", "--restore", restore(target, "mallory.asc"));
      // A key problem, not a bad backup: exit 2 naming spec.decryption.
      assertThat(wrong.exitCode()).as(wrong.err()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(wrong.err())
          .contains("spec.decryption: the key given does not open backup")
          .contains("wrong key")
          .containsIgnoringCase(alice.encryptionKeyId())
          .doesNotContain("SHA-256");

      BackupFixture.Result noKey =
          f.run(BackupFixture.testSettings(), "restore", "--restore", restore(target, null));
      assertThat(noKey.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
      assertThat(noKey.err()).contains("spec.decryption: backup").contains("is encrypted");

      BackupFixture.Result right =
          f.run(BackupFixture.testSettings(), "restore", "--restore", restore(target, "alice.asc"));
      assertThat(right.exitCode()).as(right.err()).isZero();
      assertThat(contents(target, target.password())).isEqualTo(contents(PG.cluster()));
    }
  }

  @Test
  void anUnusableKeyIsRefusedBeforeAnythingIsWritten() throws Exception {
    BackupFixture f =
        fixture("badkey").spec("encryption: {publicKeysSecretRef: {name: backup-pubkeys}}");
    secret(f, "backup-pubkeys", "garbage.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nnope\n");
    BackupFixture.Result r = f.backup();
    assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG.code());
    assertThat(r.err()).contains("spec.encryption.publicKeysSecretRef").contains("garbage.asc");
    assertThat(f.allFiles()).isEmpty();
  }

  String restore(PostgresCluster target, String key) throws Exception {
    Path file = dir.resolve("restore.yaml");
    Files.writeString(
        file,
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: r, namespace: shop}
        spec:
          backupRef: {name: orders-db}
          target: {host: %s, port: %d, user: postgres, passwordSecretRef: {name: target-pg, key: password}}
        %s"""
            .formatted(
                target.host(),
                target.port(),
                key == null
                    ? ""
                    : "  decryption: {privateKeySecretRef: {name: restore-keys, key: "
                        + key
                        + "}}\n"));
    return file.toString();
  }

  static Map<String, String> contents(PostgresCluster pg) throws Exception {
    return contents(pg, PG.cluster().password());
  }

  static Map<String, String> contents(PostgresCluster pg, String password) throws Exception {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", password));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }
}
