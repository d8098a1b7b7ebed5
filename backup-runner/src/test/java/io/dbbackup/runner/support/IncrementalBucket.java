package io.dbbackup.runner.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.RunnerMain;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code type: incremental} resources backed up to a bucket of an {@link S3ProxyServer}, zstd and
 * encrypted with a passphrase, their secrets as mounted files under {@code work/secrets}; the
 * runner's commands run in-process, and the bucket is read beside the runner (keys, indexes,
 * manifests). Resources are in namespace {@code default} under prefix {@value #PREFIX}.
 */
public final class IncrementalBucket {
  public static final String PREFIX = "nightly";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3ProxyServer s3;
  private final String bucket;
  private final Path work;

  /** Creates {@code bucket} and writes the S3, chunk-key and passphrase secrets. */
  public IncrementalBucket(S3ProxyServer s3, String bucket, Path work) {
    this.s3 = s3;
    this.bucket = bucket;
    this.work = work;
    s3.createBucket(bucket);
    secret("s3-creds", "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY + "\n");
    secret("s3-creds", "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY + "\n");
    secret("chunk-key", "key", "0123456789abcdef0123456789abcdef-s3-test-key");
    secret("pass", "passphrase", "correct horse battery staple\n");
  }

  public String bucket() {
    return bucket;
  }

  public Path secretsDir() {
    return work.resolve("secrets");
  }

  /** The key prefix of resource {@code name}'s folder, ending in a slash. */
  public static String root(String name) {
    return PREFIX + "/default/" + name + "/";
  }

  /**
   * The DatabaseBackup {@code name} of {@code pg}, stored through {@code endpoint} (the server's,
   * or a proxy's in front of it); {@code extra}: more lines under spec (two spaces in).
   */
  public Path resource(String name, PostgresCluster pg, URI endpoint, String extra) {
    secret("pg", "password", pg.password());
    String yaml =
        S3BackupYaml.of(name, pg, bucket, PREFIX, endpoint)
            .spec("type: incremental")
            .spec("incremental: {chunkKeySecretRef: {name: chunk-key, key: key}}")
            .spec("compression: {algorithm: zstd}")
            .spec("encryption: {passphraseSecretRef: {name: pass, key: passphrase}}")
            .spec("history: {enabled: false}")
            .spec(extra)
            .text();
    Path file = work.resolve(name + ".yaml");
    write(file, yaml);
    return file;
  }

  /** What a command printed and returned. */
  public record Output(int exitCode, String out, String err) {
    /** Both streams, for assertion messages. */
    public String text() {
      return out + err;
    }
  }

  /** {@code command -f yaml --secrets-dir ... more}, in-process. */
  public Output run(RunSettings settings, String command, Path yaml, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(command, "-f", yaml.toString(), "--secrets-dir", secretsDir().toString()));
    args.addAll(List.of(more));
    int code =
        RunnerMain.commandLine(settings, new PrintWriter(out), new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    return new Output(code, out.toString(), err.toString());
  }

  public Output run(String command, Path yaml, String... more) {
    return run(RunSettings.defaults(), command, yaml, more);
  }

  /** The backups {@code list --json} shows, newest first. */
  public List<String> listIds(Path yaml) throws IOException {
    Output list = run("list", yaml, "--json");
    if (list.exitCode() != 0) {
      throw new IllegalStateException("list exited " + list.exitCode() + ": " + list.err());
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode m : JSON.readTree(list.out())) {
      ids.add(m.get("id").asText());
    }
    return ids;
  }

  public byte[] object(String key) {
    return s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  public JsonNode manifest(String root, String id) throws IOException {
    return JSON.readTree(object(root + id + "/manifest.json"));
  }

  /** Every key under {@code root}, relative to it. */
  public Set<String> files(String root) {
    Set<String> keys = new TreeSet<>();
    for (String k : s3.keys(bucket, root)) {
      keys.add(k.substring(root.length()));
    }
    return keys;
  }

  /** The stored chunks, as indexes name them ({@code chunks/ab/ab….zst.gpg}). */
  public Set<String> chunkKeys(String root) {
    Set<String> keys = new TreeSet<>(files(root));
    keys.removeIf(k -> !k.startsWith(ChunkStore.FOLDER + "/"));
    return keys;
  }

  /** The folders under {@code root} holding an index.json, with or without a manifest. */
  public Set<String> indexedFolders(String root) {
    Set<String> ids = new TreeSet<>();
    for (String k : files(root)) {
      if (k.endsWith("/index.json") && k.indexOf('/') == k.length() - "/index.json".length()) {
        ids.add(k.substring(0, k.indexOf('/')));
      }
    }
    return ids;
  }

  /** The chunks {@code id}'s index names, in order. */
  public List<String> indexedList(String root, String id) throws IOException {
    List<String> files = new ArrayList<>();
    for (JsonNode c : JSON.readTree(object(root + id + "/index.json")).get("chunks")) {
      files.add(c.get("file").asText());
    }
    return files;
  }

  public Set<String> indexed(String root, Iterable<String> ids) throws IOException {
    Set<String> all = new TreeSet<>();
    for (String id : ids) {
      all.addAll(indexedList(root, id));
    }
    return all;
  }

  /** A DatabaseRestore of backup {@code backupId} of resource {@code name} into {@code target}. */
  public Path restoreFile(PostgresCluster target, String name, String backupId) throws IOException {
    secret("target-pg", "password", target.password());
    Path file = Files.createTempFile(work, "restore", ".yaml");
    write(
        file,
        """
        apiVersion: dbbackup.io/v1alpha1
        kind: DatabaseRestore
        metadata: {name: r, namespace: default}
        spec:
          backupRef: {name: %s}
          backupId: %s
          decryption: {passphraseSecretRef: {name: pass, key: passphrase}}
          target:
            host: %s
            port: %d
            user: %s
            passwordSecretRef: {name: target-pg, key: password}
        """
            .formatted(name, backupId, target.host(), target.port(), target.superuser()));
    return file;
  }

  /** What {@code pg} holds, but the runner's history schema and the superuser's password. */
  public static Map<String, String> digest(PostgresCluster pg) throws SQLException {
    Map<String, String> d =
        new TreeMap<>(ClusterDigest.of(pg.host(), pg.port(), "postgres", pg.password()));
    d.keySet().removeIf(k -> k.contains(" dbbackup.") || k.equals("role postgres"));
    return d;
  }

  private void secret(String name, String key, String value) {
    Path file = secretsDir().resolve(name).resolve(key);
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(file, value);
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
