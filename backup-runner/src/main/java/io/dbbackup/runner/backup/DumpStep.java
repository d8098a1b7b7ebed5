package io.dbbackup.runner.backup;

import io.dbbackup.runner.chunk.ChunkWriter;
import io.dbbackup.runner.chunk.FastCdcOutputStream;
import io.dbbackup.runner.chunk.RestrictKeyCuts;
import io.dbbackup.runner.crypto.Encryptor;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.pipeline.DumpPipeline;
import io.dbbackup.runner.pipeline.ParallelGzipCompressor;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.pipeline.StorageWriteException;
import io.dbbackup.runner.pipeline.TransferProgress;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.StoreWriter;
import io.dbbackup.runner.verify.ChecksumFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

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

  /**
   * pg_dumpall into {@code file}, compressed and then encrypted when configured, counting the
   * dump's content into {@code content} and passing the plain dump to {@code plainTee} (each when
   * not null) in the same pass; then the checksum file.
   */
  Output run(
      BackupId id,
      String file,
      Compressor compressor,
      Encryptor encryptor,
      ConnectionSettings connection,
      Deadline deadline,
      DumpContent content,
      OutputStream plainTee) {
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
    try (writer) {
      PgDumpAll.Sink toFile =
          new PgDumpAll.Sink() {
            @Override
            public DumpPipeline.Result pump(InputStream dump, TransferProgress progress)
                throws IOException {
              return DumpPipeline.pump(
                  dump, compressor, encryptor, writer.stream(), progress, content, plainTee);
            }

            @Override
            public RunnerException storageFailed(IOException cause) {
              return StorageErrors.classify("writing " + store.location(id) + "/" + file, cause);
            }

            @Override
            public void finish(DumpPipeline.Result result) {
              commit(writer, id, file);
              writeChecksum(id, file, result.storedSha256());
            }

            @Override
            public void logDone(LoggingEventBuilder line, DumpPipeline.Result result) {
              line.addKeyValue("stored_bytes", result.storedBytes())
                  .addKeyValue("sha256", result.storedSha256());
            }

            @Override
            public String doneMessage() {
              return "dump written";
            }
          };
      DumpPipeline.Result result =
          new PgDumpAll(tools, settings).dump(connection, deadline, toFile);
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
    var toChunks =
        new PgDumpAll.Sink() {
          private ChunkWriter.Result chunks;

          @Override
          public DumpPipeline.Result pump(InputStream dump, TransferProgress progress)
              throws IOException {
            FastCdcOutputStream chunker = new FastCdcOutputStream(writer);
            DumpPipeline.Result result =
                DumpPipeline.pumpPlain(dump, new RestrictKeyCuts(chunker), progress, content);
            try {
              chunker.close();
              chunks = writer.finish(id.value());
            } catch (IOException e) {
              throw new StorageWriteException(e);
            }
            return result;
          }

          @Override
          public RunnerException storageFailed(IOException cause) {
            deadline.check();
            return StorageErrors.classify("storing chunks in " + store.location(id), cause);
          }

          @Override
          public void logDone(LoggingEventBuilder line, DumpPipeline.Result result) {
            line.addKeyValue("chunks", chunks.index().chunks().size())
                .addKeyValue("new_chunks", chunks.newChunks())
                .addKeyValue("stored_bytes", chunks.newBytes())
                .addKeyValue("referenced_bytes", chunks.index().storedBytes());
          }

          @Override
          public String doneMessage() {
            return "dump stored as chunks";
          }

          ChunkWriter.Result chunks() {
            return chunks;
          }
        };
    DumpPipeline.Result result =
        new PgDumpAll(tools, settings).dump(connection, deadline, toChunks);
    return new ChunkedOutput(result, toChunks.chunks(), pgDumpVersion);
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
    String name = ChecksumFile.nameFor(file);
    try (StoreWriter w = store.create(id, name)) {
      w.stream().write(new ChecksumFile(sha256, file).encode());
      w.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("writing " + store.location(id) + "/" + name, e);
    }
  }
}
