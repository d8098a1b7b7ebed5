package io.dbbackup.runner.backup;

import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.DumpPipeline;
import io.dbbackup.runner.pipeline.DumpProcess;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.pipeline.StorageWriteException;
import io.dbbackup.runner.pipeline.TransferProgress;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunSettings;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One pass of pg_dumpall ({@code --no-password}, a cleared environment, its own process group) into
 * a {@link Sink}: pg_dumpall is stopped on any failure, and the dump counts only when it exited 0
 * and its output ends with the completion trailer.
 */
final class PgDumpAll {
  private static final Logger LOG = LoggerFactory.getLogger(DumpStep.class); // the dump's lines

  private final PgTools tools;
  private final RunSettings settings;

  PgDumpAll(PgTools tools, RunSettings settings) {
    this.tools = tools;
    this.settings = settings;
  }

  /** Where the dump goes: all that the full and the incremental path do differently. */
  interface Sink {
    /** Pumps the dump in; a failure to store is thrown as a {@link StorageWriteException}. */
    DumpPipeline.Result pump(InputStream dump, TransferProgress progress) throws IOException;

    /** The run's failure for {@code cause}, a failure to store. */
    RunnerException storageFailed(IOException cause);

    /** Once pg_dumpall exited 0 with a complete dump: commits what the sink stored. */
    default void finish(DumpPipeline.Result result) {}

    /** Adds the sink's figures to the dump_done line. */
    void logDone(LoggingEventBuilder line, DumpPipeline.Result result);

    String doneMessage();
  }

  /**
   * One pass of pg_dumpall into {@code sink}: pg_dumpall is stopped on any failure, and the dump
   * counts only when pg_dumpall exited 0 and its output ends with the completion trailer.
   */
  DumpPipeline.Result dump(ConnectionSettings connection, Deadline deadline, Sink sink) {
    try (TransferProgress progress = new TransferProgress("dump", settings.progressInterval());
        DumpProcess dump = startPgDumpAll(connection)) {
      deadline.onExpiry(dump::kill);
      DumpPipeline.Result result;
      try {
        result =
            sink.pump(
                new FirstBytes(dump.stdout(), () -> settings.listener().dumpStarted(dump.pid())),
                progress);
      } catch (StorageWriteException e) {
        dump.kill();
        throw sink.storageFailed(e.getCause());
      } catch (IOException e) {
        dump.kill();
        deadline.check();
        throw new RunnerException(
            ExitCode.DUMP_FAILED, "reading pg_dumpall's output failed: " + e.getMessage(), e);
      }
      checkComplete(dump, result, deadline);
      sink.finish(result);
      LoggingEventBuilder done =
          LOG.atInfo()
              .addKeyValue("event", "dump_done")
              .addKeyValue("dump_bytes", result.dumpBytes());
      sink.logDone(done, result);
      done.addKeyValue("elapsed_s", progress.elapsed().toSeconds())
          .addKeyValue(
              "rate_mb_s", String.format(java.util.Locale.ROOT, "%.1f", progress.rateMBps()))
          .log(sink.doneMessage());
      return result;
    }
  }

  private static void checkComplete(
      DumpProcess dump, DumpPipeline.Result result, Deadline deadline) {
    int status = waitFor(dump);
    deadline.check();
    if (status != 0) {
      throw new RunnerException(
          ExitCode.DUMP_FAILED,
          "pg_dumpall exited with status "
              + status
              + (dump.stderrTail().isEmpty() ? "" : ": " + dump.stderrTail()));
    }
    if (!result.trailerComplete()) {
      throw new RunnerException(
          ExitCode.DUMP_FAILED,
          "pg_dumpall exited 0 but its output lacks the completion trailer; the dump is"
              + " incomplete");
    }
  }

  private DumpProcess startPgDumpAll(ConnectionSettings connection) {
    try {
      Process p =
          tools.startInOwnGroup(
              List.of("pg_dumpall", "--no-password"), connection.libpqEnvironment());
      return new DumpProcess(p, "pg_dumpall");
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.DUMP_FAILED, "cannot start pg_dumpall: " + e.getMessage(), e);
    }
  }

  private static int waitFor(DumpProcess dump) {
    try {
      return dump.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted while waiting for pg_dumpall");
    }
  }

  /** Calls back once, when the first bytes of the dump arrive. */
  private static final class FirstBytes extends FilterInputStream {
    private Runnable onFirst;

    FirstBytes(InputStream in, Runnable onFirst) {
      super(in);
      this.onFirst = onFirst;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && onFirst != null) {
        Runnable r = onFirst;
        onFirst = null;
        r.run();
      }
      return n;
    }
  }
}
