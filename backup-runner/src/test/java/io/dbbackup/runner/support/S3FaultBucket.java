package io.dbbackup.runner.support;

import io.dbbackup.runner.RunnerMain;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bucket of an {@link S3ProxyServer} reached through a {@link FaultProxy}, for backups the runner
 * takes in-process: the secrets as mounted files under {@code work/secrets}, resources of one
 * cluster under prefix {@value #PREFIX}, uncompressed in 5 MiB parts, and their history as the
 * cluster records it.
 */
public final class S3FaultBucket implements AutoCloseable {
  public static final String PREFIX = "f";

  private final String bucket;
  private final PostgresCluster pg;
  private final Path work;
  private final FaultProxy proxy;

  /** Creates {@code bucket}, the proxy in front of {@code s3}, and the pg and S3 secrets. */
  public S3FaultBucket(S3ProxyServer s3, String bucket, PostgresCluster pg, Path work)
      throws IOException {
    this.bucket = bucket;
    this.pg = pg;
    this.work = work;
    s3.createBucket(bucket);
    proxy = FaultProxy.in(s3);
    Path d = Files.createDirectories(work.resolve("secrets/pg"));
    Files.writeString(d.resolve("password"), pg.password());
    Path c = Files.createDirectories(work.resolve("secrets/s3-creds"));
    Files.writeString(c.resolve("AWS_ACCESS_KEY_ID"), S3ProxyServer.ACCESS_KEY);
    Files.writeString(c.resolve("AWS_SECRET_ACCESS_KEY"), S3ProxyServer.SECRET_KEY);
  }

  public FaultProxy proxy() {
    return proxy;
  }

  /** Resource {@code name}, stored through the proxy; a test adds its lines and writes it. */
  public S3BackupYaml resource(String name) {
    return S3BackupYaml.of(name, pg, bucket, PREFIX, proxy.endpoint())
        .spec("compression: {algorithm: none}")
        .s3("partSizeMiB: 5");
  }

  /** Writes {@code yaml} beside the secrets. */
  public Path write(S3BackupYaml yaml) throws IOException {
    return yaml.writeIn(work);
  }

  /** {@code backup -f yaml}, in-process; what it prints goes to {@code out}. */
  public int backup(RunSettings settings, Path yaml, StringWriter out) {
    PrintWriter w = new PrintWriter(out);
    return RunnerMain.commandLine(settings, w, w)
        .execute(
            "backup", "-f", yaml.toString(), "--secrets-dir", work.resolve("secrets").toString());
  }

  /** {@code name}'s runs, oldest first: {@code STATUS:error_code} ({@code -} for none). */
  public String history(String name) {
    return pg.psql(
        "postgres",
        "SELECT string_agg(status || ':' || coalesce(error_code::text, '-'), ','"
            + " ORDER BY started_at) FROM dbbackup.backup_history WHERE name = '"
            + name
            + "'");
  }

  @Override
  public void close() {
    proxy.close();
  }
}
