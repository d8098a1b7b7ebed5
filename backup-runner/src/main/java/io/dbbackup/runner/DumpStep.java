package io.dbbackup.runner;

import io.dbbackup.runner.chunk.ChunkWriter;
import io.dbbackup.runner.chunk.FastCdcOutputStream;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.pipeline.DumpPipeline;
import io.dbbackup.runner.pipeline.DumpProcess;
import io.dbbackup.runner.pipeline.ParallelGzipCompressor;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.pipeline.StorageWriteException;
import io.dbbackup.runner.pipeline.TransferProgress;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.StoreWriter;
import io.dbbackup.runner.verify.ChecksumFile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg_dumpall into the store in one pass (compressed, then encrypted when configured): the dump file
 * is committed (fsync, atomic rename) only when pg_dumpall exited 0 and its output ends with the
 * completion trailer; then the checksum file. On any failure pg_dumpall is stopped and the partial
 * file removed.
 */
final class DumpStep {
  private static final Logger LOG = LoggerFactory.getLogger(DumpStep.class);

  /** The committed dump file and what went into it. */
  record Output(String file, DumpPipeline.Result result, String pgDumpVersion) {}

  private final BackupStore store;
  private final PgTools tools;
  private final RunSettings settings;

  DumpStep(BackupStore store, PgTools tools, RunSettings settings) {
    this.store = store;
    this.tools = tools;
    this.settings = settings;
  }

  Output run(
      BackupId id,
      String file,
      Compressor compressor,
      Encryptor encryptor,
      ConnectionSettings connection,
      ServerInfo server,
      Deadline deadline) {
    return run(id, file, compressor, encryptor, connection, server, deadline, null);
  }

  /** As above, counting the dump's content into {@code content} (when not null) in the pass. */
  Output run(
      BackupId id,
      String file,
      Compressor compressor,
      Encryptor encryptor,
      ConnectionSettings connection,
      ServerInfo server,
      Deadline deadline,
      DumpContent content) {
    return run(id, file, compressor, encryptor, connection, server, deadline, content, null);
  }

  /** As above, also passing the plain dump to {@code plainTee} (when not null) in the pass. */
  Output run(
      BackupId id,
      String file,
      Compressor compressor,
      Encryptor encryptor,
      ConnectionSettings connection,
      ServerInfo server,
      Deadline deadline,
      DumpContent content,
      java.io.OutputStream plainTee) {
    String pgDumpVersion = tools.version("pg_dumpall");
    LOG.atInfo()
        .addKeyValue("event", "dump_start")
        .addKeyValue("program", pgDumpVersion)
        .addKeyValue("file", file)
        .addKeyValue("compression", compressor.algorithm().wireName())
        .addKeyValue("compression_level", compressor.level())
        .addKeyValue(
            "compression_engine",
            compressor instanceof ParallelGzipCompressor gzip ? gzip.engine() : null)
        .addKeyValue("encryption", encryptor == null ? "none" : encryptor.mode().wireName())
        .log("dumping the cluster");

    StoreWriter writer = openWriter(id, file);
    try (writer;
        TransferProgress progress = new TransferProgress("dump", settings.progressInterval());
        DumpProcess dump = startPgDumpAll(connection)) {
      deadline.onExpiry(dump::kill);
      DumpPipeline.Result result;
      try {
        result =
            DumpPipeline.pump(
                new FirstBytes(dump.stdout(), () -> settings.listener().dumpStarted(dump.pid())),
                compressor,
                encryptor,
                writer.stream(),
                progress,
                content,
                plainTee);
      } catch (StorageWriteException e) {
        dump.kill();
        throw StorageErrors.classify("writing " + store.location(id) + "/" + file, e.getCause());
      } catch (IOException e) {
        dump.kill();
        deadline.check();
        throw new RunnerException(
            ExitCode.DUMP_FAILED, "reading pg_dumpall's output failed: " + e.getMessage(), e);
      }
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
      commit(writer, id, file);
      writeChecksum(id, file, result.storedSha256());
      LOG.atInfo()
          .addKeyValue("event", "dump_done")
          .addKeyValue("dump_bytes", result.dumpBytes())
          .addKeyValue("stored_bytes", result.storedBytes())
          .addKeyValue("sha256", result.storedSha256())
          .addKeyValue("elapsed_s", progress.elapsed().toSeconds())
          .addKeyValue(
              "rate_mb_s", String.format(java.util.Locale.ROOT, "%.1f", progress.rateMBps()))
          .log("dump written");
      return new Output(file, result, pgDumpVersion);
    }
  }

  /** An incremental backup's dump: its chunks stored, and the index naming them in order. */
  record ChunkedOutput(
      DumpPipeline.Result result, ChunkWriter.Result chunks, String pgDumpVersion) {}

  /**
   * pg_dumpall cut into chunks ({@link FastCdcOutputStream}) stored by {@code writer}; the chunks
   * are all stored when this returns, and the dump checked as the full path checks it (exit status,
   * completion trailer). Writes nothing into the backup's folder: the caller writes the index.
   */
  ChunkedOutput runIncremental(
      BackupId id,
      ChunkWriter writer,
      String format,
      ConnectionSettings connection,
      Deadline deadline,
      DumpContent content) {
    String pgDumpVersion = tools.version("pg_dumpall");
    LOG.atInfo()
        .addKeyValue("event", "dump_start")
        .addKeyValue("program", pgDumpVersion)
        .addKeyValue("chunks", format)
        .log("dumping the cluster into chunks");
    try (TransferProgress progress = new TransferProgress("dump", settings.progressInterval());
        DumpProcess dump = startPgDumpAll(connection)) {
      deadline.onExpiry(dump::kill);
      DumpPipeline.Result result;
      ChunkWriter.Result chunks;
      try {
        FastCdcOutputStream chunker = new FastCdcOutputStream(writer);
        result =
            DumpPipeline.pumpPlain(
                new FirstBytes(dump.stdout(), () -> settings.listener().dumpStarted(dump.pid())),
                chunker,
                progress,
                content);
        try {
          chunker.close();
          chunks = writer.finish(id.value());
        } catch (IOException e) {
          throw new StorageWriteException(e);
        }
      } catch (StorageWriteException e) {
        dump.kill();
        deadline.check();
        throw StorageErrors.classify("storing chunks in " + store.location(id), e.getCause());
      } catch (IOException e) {
        dump.kill();
        deadline.check();
        throw new RunnerException(
            ExitCode.DUMP_FAILED, "reading pg_dumpall's output failed: " + e.getMessage(), e);
      }
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
      LOG.atInfo()
          .addKeyValue("event", "dump_done")
          .addKeyValue("dump_bytes", result.dumpBytes())
          .addKeyValue("chunks", chunks.index().chunks().size())
          .addKeyValue("new_chunks", chunks.newChunks())
          .addKeyValue("stored_bytes", chunks.newBytes())
          .addKeyValue("referenced_bytes", chunks.index().storedBytes())
          .addKeyValue("elapsed_s", progress.elapsed().toSeconds())
          .addKeyValue(
              "rate_mb_s", String.format(java.util.Locale.ROOT, "%.1f", progress.rateMBps()))
          .log("dump stored as chunks");
      return new ChunkedOutput(result, chunks, pgDumpVersion);
    }
  }

  /**
   * Refuses a server newer than the client: pg_dumpall dumps its own major and older. The run
   * checks this before it takes the lock or touches the history tables.
   *
   * @return the client's {@code --version} line
   * @throws RunnerException {@link ExitCode#DUMP_FAILED} when the server is newer
   */
  static String checkClient(PgTools tools, ServerInfo server) {
    String pgDumpVersion = tools.version("pg_dumpall");
    int clientMajor = PgTools.majorVersion(pgDumpVersion);
    if (clientMajor < server.majorVersion()) {
      throw new RunnerException(
          ExitCode.DUMP_FAILED,
          pgDumpVersion
              + " cannot dump a PostgreSQL "
              + server.majorVersion()
              + " server; use a runner image with a newer client or set PG_BIN");
    }
    return pgDumpVersion;
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

  private StoreWriter openWriter(BackupId id, String file) {
    try {
      return store.create(id, file);
    } catch (IOException e) {
      throw StorageErrors.classify("creating " + store.location(id) + "/" + file, e);
    }
  }

  private void commit(StoreWriter writer, BackupId id, String file) {
    try {
      writer.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("committing " + store.location(id) + "/" + file, e);
    }
  }

  private void writeChecksum(BackupId id, String file, String sha256) {
    String name = file + ".sha256";
    try (StoreWriter w = store.create(id, name)) {
      w.stream().write(new ChecksumFile(sha256, file).encode());
      w.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("writing " + store.location(id) + "/" + name, e);
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
