package io.dbbackup.runner.restore;

import io.dbbackup.runner.chunk.ChunkStream;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.pipeline.ProcessGroup;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.store.Manifest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a restore's dump goes: stock {@code psql} on the target, in a session of its own, its
 * stderr read by {@link PsqlErrors}. A stop (the deadline, SIGTERM) ends psql's process group; any
 * failure ends psql, so a restore that did not finish is never reported as done.
 */
final class PsqlSink {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);
  private static final int BUFFER = 256 * 1024;

  private final Process psql;
  private final PsqlErrors errors;
  private final ConnectionSettings target;

  private PsqlSink(Process psql, ConnectionSettings target) {
    this.psql = psql;
    this.target = target;
    this.errors = new PsqlErrors(psql.getErrorStream());
  }

  /** Starts psql on {@code target}; {@code deadline}'s expiry ends it. */
  static PsqlSink start(PgTools tools, ConnectionSettings target, Deadline deadline) {
    Process psql;
    try {
      psql =
          tools.startInOwnSession(
              List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=0", "-d", "template1"),
              target.libpqEnvironment(),
              ProcessBuilder.Redirect.PIPE,
              ProcessBuilder.Redirect.DISCARD);
    } catch (IOException e) {
      throw new RunnerException(ExitCode.FAILED, "cannot start psql: " + e.getMessage(), e);
    }
    // A stop (SIGTERM) ends psql and whatever it started; the copy into it then fails.
    deadline.onExpiry(() -> end(psql));
    return new PsqlSink(psql, target);
  }

  /**
   * Streams {@code source}'s plain dump into psql (only the {@code selection}'s sections, when not
   * empty), keeping {@code role}'s own password, and waits for psql.
   *
   * @return the benign errors psql reported (roles the target has already)
   */
  int restore(RestoreSource source, Manifest manifest, Set<String> selection, String role) {
    LOG.atInfo()
        .addKeyValue("event", "restore_start")
        .addKeyValue("target", target.toString())
        .addKeyValue("dump_bytes", manifest.dumpBytes())
        .addKeyValue("databases", selection.isEmpty() ? "all" : String.join(",", selection))
        .log("streaming the backup into psql");
    OutputStream psqlIn = psql.getOutputStream();
    DatabaseSelection sections =
        selection.isEmpty()
            ? null
            : new DatabaseSelection(new BufferedOutputStream(psqlIn, BUFFER), selection);
    try (psqlIn;
        OutputStream in = sections == null ? psqlIn : sections;
        RestoreSource.Replay replay = source.replay()) {
      RestoreStream.copy(new BufferedInputStream(replay.plain(), BUFFER), in, role);
      String changed = replay.changed();
      if (changed != null) {
        psql.destroyForcibly();
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "backup " + manifest.id() + ": " + changed + "; the restore is incomplete");
      }
    } catch (ChunkStream.BadChunkException e) {
      // Changed between the verification and the restore: say so, never report success.
      psql.destroyForcibly();
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup "
              + manifest.id()
              + ": "
              + e.getMessage()
              + " (it changed after it was verified); the restore is incomplete",
          e);
    } catch (IOException e) {
      psql.destroyForcibly();
      throw new RunnerException(
          ExitCode.FAILED, "streaming the backup into psql failed: " + e.getMessage(), e);
    }
    requireSections(sections, selection);
    return await();
  }

  /** Never report a restore of a database whose section was not found in the script. */
  private void requireSections(DatabaseSelection sections, Set<String> selection) {
    if (sections != null && !sections.seen().containsAll(selection)) {
      psql.destroyForcibly();
      throw new RunnerException(
          ExitCode.FAILED,
          "spec.databases: the backup's script has no section for "
              + String.join(
                  ", ", selection.stream().filter(d -> !sections.seen().contains(d)).toList())
              + " (sections found: "
              + String.join(", ", sections.seen())
              + ")");
    }
  }

  /** psql's end: any error but the benign ones fails the restore. */
  private int await() {
    try {
      int status = psql.waitFor();
      errors.await();
      if (status != 0 || errors.count() > 0) {
        throw new RunnerException(
            ExitCode.FAILED,
            "psql reported "
                + errors.count()
                + " error(s) (exit status "
                + status
                + "); first: "
                + String.join(" | ", errors.first()));
      }
      return errors.benign();
    } catch (InterruptedException e) {
      psql.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted during the restore");
    }
  }

  /** Ends psql's process group (its own session), or psql alone where it has none. */
  private static void end(Process psql) {
    if (!psql.isAlive()) {
      return;
    }
    long pid = psql.pid();
    if (ProcessGroup.groupOf(pid).orElse(-1) == pid) {
      new ProcessGroup(pid).end(2_000);
    }
    psql.destroyForcibly();
    LOG.atWarn()
        .addKeyValue("event", "restore_stopped")
        .addKeyValue("pid", pid)
        .log("psql stopped; the target holds part of the backup at most");
  }
}
