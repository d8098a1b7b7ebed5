package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.pipeline.PgTools;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification by restore: a {@link ScratchCluster} is started, the plain dump is fed to {@code
 * psql -v ON_ERROR_STOP=1} as it is read ({@link #input()}), and then what the scratch cluster
 * holds is compared with what the dump held, as counted in the dump stream itself ({@link
 * DumpContent}): every database, every role, and per table the COPY rows ({@code count(*) FROM
 * ONLY}, so an inheritance parent is not counted with its children) and per database the large
 * objects. The first restore error and every count that differs make the report's error; the
 * scratch cluster is removed by {@link #close()}, whatever happened.
 */
public final class RestoreCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreCheck.class);
  private static final int BUFFER = 256 * 1024;

  /** What verification by restore found; {@code source}: storage or stream. */
  public record Report(
      String source,
      boolean passed,
      int databases,
      int roles,
      int tables,
      long rows,
      long largeObjects,
      double durationSeconds,
      String error,
      List<String> mismatches) {
    public Report {
      mismatches = List.copyOf(mismatches);
    }
  }

  private final PgTools tools;
  private final ScratchCluster cluster;
  private final String source;
  private final long startNanos;
  private final Process psql;
  private final StderrReader stderr;
  private final Input input;

  private RestoreCheck(PgTools tools, ScratchCluster cluster, String source, long startNanos) {
    this.tools = tools;
    this.cluster = cluster;
    this.source = source;
    this.startNanos = startNanos;
    try {
      psql =
          tools.start(
              cluster.psql("postgres", "-q", "-v", "ON_ERROR_STOP=1"),
              Map.of(),
              ProcessBuilder.Redirect.PIPE,
              ProcessBuilder.Redirect.DISCARD);
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "cannot start psql for the restore: " + e.getMessage(), e);
    }
    stderr = new StderrReader(psql.getErrorStream());
    input =
        new Input(
            new ScratchGlobals(
                new BufferedOutputStream(psql.getOutputStream(), BUFFER), cluster::tablespaceDir));
  }

  /**
   * Removes what killed runs left in {@code root}, starts a scratch cluster there and psql on it.
   *
   * @param roles the roles the dump creates, when known (the scratch superuser must be another)
   * @param source {@code storage} (the stored object read back) or {@code stream}
   */
  public static RestoreCheck start(
      PgTools tools, Path root, List<String> roles, String source, Duration startTimeout) {
    long start = System.nanoTime();
    ScratchCluster.sweep(root);
    ScratchCluster cluster = ScratchCluster.start(tools, root, superuserNotIn(roles), startTimeout);
    try {
      LOG.atInfo()
          .addKeyValue("event", "restore_verify_start")
          .addKeyValue("source", source)
          .addKeyValue("scratch", cluster.dir().toString())
          .log("restoring the backup into a scratch cluster");
      return new RestoreCheck(tools, cluster, source, start);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** A bootstrap superuser name the dump does not create (it would collide with ON_ERROR_STOP). */
  static String superuserNotIn(List<String> roles) {
    if (roles == null) {
      // Not known yet (source stream): a name no dump holds by chance.
      return "dbbackup_verify_"
          + java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(4));
    }
    String name = "dbbackup_verify";
    for (int i = 2; roles.contains(name); i++) {
      name = "dbbackup_verify_" + i;
    }
    return name;
  }

  /**
   * The plain dump goes here. Once psql has stopped (at the first error) further bytes are dropped,
   * so the caller still reads the whole stored object for its checksum.
   */
  public OutputStream input() {
    return input;
  }

  /**
   * Ends the restore (closes psql's input), compares with {@code expected} (the dump's counted
   * content) and returns what was found.
   */
  public Report finish(DumpContent.Summary expected) {
    input.end();
    int status;
    try {
      // psql may still build the last database's indexes: the run's deadline bounds the wait
      // (close() on expiry ends psql and the server).
      status = psql.waitFor();
      stderr.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted while restoring");
    }
    String error = null;
    List<String> mismatches = new ArrayList<>();
    if (status != 0) {
      error =
          stderr.first() == null
              ? "psql exited with status " + status + " while restoring"
              : "the restore stopped at the first error: " + stderr.first();
    } else {
      try {
        new RestoredCounts(tools, cluster).compare(expected, mismatches);
      } catch (RunnerException e) {
        error = e.getMessage();
      }
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Report r =
        new Report(
            source,
            error == null && mismatches.isEmpty(),
            (int) expected.databases().stream().filter(d -> !d.name().isEmpty()).count(),
            expected.roles().size(),
            expected.tables(),
            expected.rows(),
            expected.largeObjects(),
            Math.round(seconds * 10) / 10.0,
            error != null
                ? error
                : mismatches.isEmpty() ? null : "counts differ: " + String.join("; ", mismatches),
            mismatches);
    LOG.atInfo()
        .addKeyValue("event", "restore_verified")
        .addKeyValue("passed", r.passed())
        .addKeyValue("databases", r.databases())
        .addKeyValue("roles", r.roles())
        .addKeyValue("tables", r.tables())
        .addKeyValue("rows", r.rows())
        .addKeyValue("duration_s", r.durationSeconds())
        .log(r.passed() ? "the backup restores and its counts match" : r.error());
    return r;
  }

  /** Stops psql and the scratch cluster and removes its folder; safe from any thread, twice. */
  @Override
  public void close() {
    try {
      psql.destroyForcibly();
    } finally {
      cluster.close();
    }
  }

  /** Passes bytes to psql until it has gone (then drops them). */
  private final class Input extends OutputStream {
    private final OutputStream out;
    private boolean gone;

    Input(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (gone) {
        return;
      }
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        gone = true; // psql stopped at an error; finish() says which
      }
    }

    void end() {
      if (gone) {
        return;
      }
      gone = true;
      try {
        out.close();
      } catch (IOException e) {
        // psql stopped already
      }
    }
  }
}
