package io.dbbackup.runner;

import io.dbbackup.api.v1alpha1.BackupType;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.runner.chunk.ChunkFormat;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.chunk.ChunkVerifier;
import io.dbbackup.runner.chunk.ChunkWriter;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.history.RunStatus;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.BackupVerifier;
import io.dbbackup.runner.verify.restore.RestoreCheck;
import io.dbbackup.runner.verify.restore.RestoreVerification;
import io.dbbackup.runner.verify.restore.ScratchCluster;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One backup run, BATCH-101's flow: reachable → client supports the server → lock → window → space
 * → dump → verify → manifest → retention → history. Any failure stops pg_dumpall, removes this
 * run's files, releases the lock, records FAILED and returns the failure's exit code; earlier
 * backups are never touched. The run executes on a worker thread under its {@link Deadline}: past
 * spec.timeoutMinutes, or on SIGTERM, it is stopped in whatever phase it is (see {@link
 * RunSupervisor}).
 */
public final class BackupRun {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

  /**
   * How the run ended; {@code warnings}: what a run that succeeded could not do (retention on a
   * store it could not read completely).
   */
  public record Outcome(
      ExitCode exitCode, RunRecord record, String message, List<String> warnings) {
    public Outcome {
      warnings = List.copyOf(warnings);
    }

    public Outcome(ExitCode exitCode, RunRecord record, String message) {
      this(exitCode, record, message, List.of());
    }
  }

  private final BackupConfig config;
  private final BackupStore store;
  private final RunSettings settings;
  private final PgTools tools;
  private volatile Deadline deadline;
  private volatile RunSupervisor<Outcome> supervisor;
  private volatile RunRecord startRecord;
  private volatile RestoreCheck streamCheck;

  public BackupRun(BackupConfig config, BackupStore store, RunSettings settings, PgTools tools) {
    this.config = config;
    this.store = store;
    this.settings = settings;
    this.tools = tools;
  }

  public Outcome execute() {
    try (Deadline d = new Deadline(timeout())) {
      deadline = d;
      supervisor = RunSupervisor.forBackup(d, RunSupervisor.GRACE);
      return supervisor.run(this::runPhases, this::abandoned);
    }
  }

  private Outcome runPhases() {
    DatabaseBackupSpec spec = config.spec();
    Instant start = settings.clock().instant();
    BackupId id = BackupId.generate(start);
    // Every secret the run needs is read before anything is written: a config mistake (a missing
    // or empty secret file) leaves the store untouched, no spooled record, no folder.
    DataPath path = DataPath.forBackup(spec, config.secrets(), start);
    ConnectionSettings.from(spec.getDatabase(), config.secrets());
    ChunkKey chunkKey =
        spec.getType() == BackupType.INCREMENTAL
            ? ChunkKey.read(spec.getIncremental().getChunkKeySecretRef(), config.secrets())
            : null;
    Compressor compressor = path.compressor();
    String file = path.fileName();
    RunRecord record =
        RunRecord.builder()
            .backupId(id.value())
            .resource(config.namespace(), config.name())
            .type(spec.getType().name().toLowerCase(Locale.ROOT))
            .startedAt(start)
            .compression(path.compressionLabel())
            .encryption(path.encryptionLabel())
            .location(store.location(id))
            .runnerHost(settings.runnerHost())
            .build();
    startRecord = record;
    RunRecorder recorder =
        new RunRecorder(
            new PendingHistory(store), settings.listener(), spec.getHistory().isEnabled());
    MDC.put("backup", config.qualifiedName());
    MDC.put("backup_id", id.value());
    LOG.atInfo()
        .addKeyValue("event", "run_start")
        .addKeyValue("location", record.location())
        .log("backup run started");

    RunSession session = null;
    deadline.onExpiry(store::stop);
    try {
      try {
        phase("connect");
        session = RunSession.connect(config, settings);
        supervisor.onStuck(session::abort);
        ServerInfo server = session.server();
        record = record.toBuilder().serverVersion(server.version()).build();
        // Before the lock and the history tables: a server this client cannot dump changes
        // nothing on it.
        DumpStep.checkClient(tools, server);

        phase("lock");
        session.lock();
        recorder.attach(session.openHistory(store, id.value(), start, recorder));
        deadline.check();

        phase("window");
        if (spec.getWindow() != null) {
          BackupWindow window = BackupWindow.of(spec.getWindow(), config.zone());
          if (!window.contains(start)) {
            String why = "outside the window " + window + ": skipped";
            record = record.finished(RunStatus.SKIPPED, now()).toBuilder().error(9, why).build();
            recorder.record(record);
            LOG.atWarn().addKeyValue("event", "skipped").log(why);
            return new Outcome(ExitCode.OUTSIDE_WINDOW, record, why);
          }
        }
        recorder.record(record);

        phase("space");
        SpaceCheck.check(
            store,
            server,
            compressor.algorithm(),
            spec.getExpectedSizeMiB(),
            restoreVerification() ? ScratchCluster.root() : null);
        deadline.check();

        phase("dump");
        Written written;
        if (chunkKey != null) {
          written = incremental(id, start, server, path, chunkKey, recorder, session);
        } else {
          written = full(id, start, server, path, file, recorder, session);
        }
        Manifest.Verification verification = written.verification();
        record =
            record.toBuilder()
                .output(
                    written.dumpBytes(),
                    written.storedBytes(),
                    written.sha256(),
                    verification.verified())
                .verification(historyVerification(verification))
                .referencedBytes(written.referencedBytes())
                .build();
        if (verification.restore() != null && !verification.verified()) {
          // Kept (the manifest is written) but unverified: never a good backup, and the run fails.
          throw new RunnerException(
              ExitCode.VERIFICATION_FAILED,
              "backup "
                  + id
                  + " failed verification by restore and is kept, marked verified: false: "
                  + verification.restore().error());
        }
        recorder.audit(
            new AuditEntry(
                now(),
                config.namespace(),
                config.name(),
                AuditEntry.CREATED,
                id.value(),
                store.location(id),
                written.sha256(),
                "backup run"));

        phase("retention");
        RetentionStep.Result retention =
            RetentionStep.apply(
                store, retentionPolicy(), now(), id, config.namespace(), config.name(), recorder);
        if (chunkKey != null) {
          // After the new manifest and retention, under the lock: the chunks no index names.
          ChunkSweep.Result sweep =
              ChunkSweep.sweep(store, now().minus(retentionPolicy().abandonedAfter()));
          if (!sweep.warnings().isEmpty()) {
            List<String> all = new java.util.ArrayList<>(retention.warnings());
            all.addAll(sweep.warnings());
            retention =
                new RetentionStep.Result(
                    retention.deleted(), retention.failed(), all, retention.decisions());
          }
        }

        record = record.finished(RunStatus.SUCCEEDED, now());
        if (!retention.warnings().isEmpty()) {
          record = record.toBuilder().warning(warningLine(retention.warnings())).build();
        }
        recorder.record(record);
        summary(record, retention);
        return new Outcome(
            ExitCode.OK,
            record,
            "backup "
                + id
                + " succeeded"
                + (retention.warnings().isEmpty()
                    ? ""
                    : " with warnings: " + String.join("; ", retention.warnings())),
            retention.warnings());
      } catch (RunnerException e) {
        return fail(
            OutOfMemory.classify(e), record, recorder, id, session != null && session.locked());
      } catch (RuntimeException e) {
        return fail(
            OutOfMemory.classify(new RunnerException(ExitCode.FAILED, "unexpected error: " + e, e)),
            record,
            recorder,
            id,
            session != null && session.locked());
      } catch (OutOfMemoryError e) {
        // The run's buffers are unreachable once the error has unwound to here: there is room to
        // clean up and record the failure.
        return fail(
            OutOfMemory.failure(e), record, recorder, id, session != null && session.locked());
      }
    } finally {
      if (streamCheck != null) {
        streamCheck.close();
      }
      recorder.finish(store, now());
      if (session != null) {
        session.close();
      }
      MDC.remove("backup");
      MDC.remove("backup_id");
      MDC.remove("phase");
    }
  }

  /** What the dump phase wrote, as the history row and the audit line record it. */
  private record Written(
      long dumpBytes,
      long storedBytes,
      String sha256,
      Manifest.Verification verification,
      Long referencedBytes) {}

  private Written full(
      BackupId id,
      Instant start,
      ServerInfo server,
      DataPath path,
      String file,
      RunRecorder recorder,
      RunSession session) {
    Compressor compressor = path.compressor();
    DumpContent content = restoreVerification() ? new DumpContent() : null;
    if (content != null && path.encrypted() && path.verifyDecryptor() == null) {
      // Public keys only: restored while dumping (source stream), as a second consumer.
      streamCheck = RestoreVerification.startStream(tools, deadline);
    }
    DumpStep.Output dump =
        new DumpStep(store, tools, settings)
            .run(
                id,
                file,
                compressor,
                path.encryptor(),
                session.connection(),
                deadline,
                content,
                streamCheck == null ? null : streamCheck.input());
    deadline.check();

    Manifest.Verification verification = verify(id, path, dump, content, deadline);
    writeManifest(
        id,
        start,
        server,
        dump,
        path,
        verification,
        recorder.head(),
        content == null ? null : content.summary());
    return new Written(
        dump.result().dumpBytes(),
        dump.result().storedBytes(),
        dump.result().storedSha256(),
        verification,
        null);
  }

  /**
   * An incremental backup: the dump's chunks (the known ones kept), then {@code index.json}, then
   * the verification (every chunk there with its size and SHA-256; decrypted and its HMAC checked
   * where the key allows), then the manifest.
   */
  private Written incremental(
      BackupId id,
      Instant start,
      ServerInfo server,
      DataPath path,
      ChunkKey key,
      RunRecorder recorder,
      RunSession session) {
    ChunkStore chunks = store.chunks();
    ChunkFormat format =
        new ChunkFormat(
            path.compressor().algorithm(),
            path.compressor().level(),
            path.encryptor(),
            path.verifyDecryptor());
    Map<String, ChunkIndex.Entry> known = IncrementalIndexes.known(store, id);
    DumpStep.ChunkedOutput dump;
    try (ChunkWriter writer =
        new ChunkWriter(chunks, key, format, known, IncrementalIndexes.UPLOADS, null)) {
      dump =
          new DumpStep(store, tools, settings)
              .runIncremental(id, writer, format.ext(), session.connection(), deadline, null);
    }
    deadline.check();
    ChunkIndex index = dump.chunks().index();
    byte[] encoded = index.encode();
    String indexSha = sha256(encoded);
    try (var w = store.create(id, ChunkIndex.FILE_NAME)) {
      w.stream().write(encoded);
      w.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("writing " + store.location(id) + "/" + ChunkIndex.FILE_NAME, e);
    }
    Manifest.Verification verification;
    if (!config.spec().isVerify()) {
      verification = new Manifest.Verification(false, "none", null, "verification is switched off");
    } else {
      phase("verify");
      ChunkVerifier.Result r;
      try {
        r = new ChunkVerifier(chunks).verify(index, format, key, deadline::expired);
      } catch (IOException e) {
        deadline.check();
        throw StorageErrors.classify("reading chunks back from " + store.location(id), e);
      }
      if (r.problem() != null) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED, "backup " + id + ": " + r.problem());
      }
      String what =
          "read back: every chunk ("
              + index.chunks().size()
              + ") there with its size and SHA-256"
              + (r.full()
                  ? ", " + (format.encrypted() ? "decrypted, " : "") + "decompressed, HMAC matches"
                  : " (no private key here to decrypt)");
      LOG.atInfo().addKeyValue("event", "verified").addKeyValue("full", r.full()).log(what);
      verification =
          new Manifest.Verification(
              true, r.full() ? "checksum" : "checksum+openpgp-structure", now(), what);
    }
    var res = dump.result();
    Manifest manifest =
        Manifest.builder()
            .formatVersion(Manifest.FORMAT_VERSION)
            .id(id.value())
            .resource(
                new Manifest.Resource(
                    config.namespace(), config.name(), config.resource().getMetadata().getUid()))
            .startTime(start)
            .endTime(now())
            .serverVersion(server.version())
            .pgDumpVersion(dump.pgDumpVersion())
            .databases(server.databases())
            .file(ChunkIndex.FILE_NAME)
            .dumpBytes(res.dumpBytes())
            .storedBytes(dump.chunks().newBytes())
            .sha256(indexSha)
            .plainSha256(res.plainSha256())
            .compression(path.manifestCompression())
            .encryption(path.manifestEncryption())
            .verification(verification)
            .auditChainHead(recorder.head() == null ? null : recorder.head().toString())
            .incremental(
                new Manifest.Incremental(
                    ChunkIndex.FILE_NAME,
                    index.chunks().size(),
                    dump.chunks().newChunks(),
                    index.storedBytes()))
            .build();
    try (var w = store.create(id, Manifest.FILE_NAME)) {
      w.stream().write(io.dbbackup.runner.store.ManifestCodec.encode(manifest));
      w.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("writing " + store.location(id) + "/manifest.json", e);
    }
    return new Written(
        res.dumpBytes(), dump.chunks().newBytes(), indexSha, verification, index.storedBytes());
  }

  private static String sha256(byte[] b) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The warnings of a run that succeeded, as its history row and the status show them; long lists
   * (many unreadable folders) are cut, the log has them all.
   */
  static String warningLine(List<String> warnings) {
    String line = "warning: " + String.join("; ", warnings);
    return line.length() > MAX_WARNING_CHARS
        ? line.substring(0, MAX_WARNING_CHARS)
            + "... ("
            + warnings.size()
            + " warnings; see the log)"
        : line;
  }

  private static final int MAX_WARNING_CHARS = 2000;

  /** The policy spec.retention describes; abandoned folders are those older than the timeout. */
  RetentionPolicy retentionPolicy() {
    var r = config.spec().getRetention();
    return RetentionPolicy.of(r, config.zone(), timeout());
  }

  private Duration timeout() {
    return settings.timeoutOverride() != null
        ? settings.timeoutOverride()
        : Duration.ofMinutes(config.spec().getTimeoutMinutes());
  }

  /** spec.verification.mode: restore (with verify on). */
  private boolean restoreVerification() {
    var v = config.spec().getVerification();
    return config.spec().isVerify()
        && v != null
        && v.getMode() == io.dbbackup.api.v1alpha1.VerificationSpec.Mode.RESTORE;
  }

  private Manifest.Verification verify(
      BackupId id, DataPath path, DumpStep.Output dump, DumpContent content, Deadline deadline) {
    if (!config.spec().isVerify()) {
      return new Manifest.Verification(false, "none", null, "verification is switched off");
    }
    phase("verify");
    if (content != null && streamCheck != null) {
      return RestoreVerification.verifyStream(
          store,
          settings.progressInterval(),
          id,
          path,
          expected(dump, path),
          content.summary(),
          streamCheck,
          deadline,
          settings.clock());
    }
    if (content != null) {
      return RestoreVerification.verify(
          store,
          tools,
          settings.progressInterval(),
          id,
          path,
          expected(dump, path),
          content.summary(),
          deadline,
          settings.clock());
    }
    BackupVerifier.Result result =
        new BackupVerifier(store, settings.progressInterval())
            .verify(
                id,
                path.compressor(),
                path.verifyDecryptor(),
                path.encrypted(),
                expected(dump, path),
                deadline::expired);
    String what =
        result.full()
            ? "read back: SHA-256 and size match, "
                + (path.encrypted() ? "decrypted (integrity checked) and " : "")
                + "decompressed fully, completion trailer present"
            : "read back: SHA-256 and size match, OpenPGP structure complete and encrypted to"
                + " every recipient (no private key here to decrypt)";
    LOG.atInfo().addKeyValue("event", "verified").addKeyValue("full", result.full()).log(what);
    return new Manifest.Verification(
        true, result.full() ? "checksum" : "checksum+openpgp-structure", now(), what);
  }

  /** The verification as history and status record it (mode checksum, restore or none). */
  private static RunRecord.Verification historyVerification(Manifest.Verification v) {
    String mode = v.mode().startsWith("checksum") ? "checksum" : v.mode();
    Manifest.Restore r = v.restore();
    if (r == null) {
      return new RunRecord.Verification(
          mode, null, "none".equals(mode) ? null : "passed", null, null, null, null);
    }
    return new RunRecord.Verification(
        mode, r.source(), r.result(), r.databases(), r.tables(), r.rows(), r.durationSeconds());
  }

  private static BackupVerifier.Expected expected(DumpStep.Output dump, DataPath path) {
    var r = dump.result();
    return new BackupVerifier.Expected(
        dump.file(),
        r.storedSha256(),
        r.storedBytes(),
        r.plainSha256(),
        r.dumpBytes(),
        path.recipientKeyIds());
  }

  private void writeManifest(
      BackupId id,
      Instant start,
      ServerInfo server,
      DumpStep.Output dump,
      DataPath path,
      Manifest.Verification verification,
      io.dbbackup.runner.history.ChainHead auditHead,
      DumpContent.Summary content) {
    var r = dump.result();
    Manifest manifest =
        Manifest.builder()
            .formatVersion(Manifest.formatVersionFor(verification))
            .id(id.value())
            .resource(
                new Manifest.Resource(
                    config.namespace(), config.name(), config.resource().getMetadata().getUid()))
            .startTime(start)
            .endTime(now())
            .serverVersion(server.version())
            .pgDumpVersion(dump.pgDumpVersion())
            .databases(server.databases())
            .file(dump.file())
            .dumpBytes(r.dumpBytes())
            .storedBytes(r.storedBytes())
            .sha256(r.storedSha256())
            .plainSha256(r.plainSha256())
            .compression(path.manifestCompression())
            .encryption(path.manifestEncryption())
            .verification(verification)
            .auditChainHead(auditHead == null ? null : auditHead.toString())
            .content(content)
            .build();
    try (var w = store.create(id, Manifest.FILE_NAME)) {
      w.stream().write(io.dbbackup.runner.store.ManifestCodec.encode(manifest));
      w.commit();
    } catch (IOException e) {
      throw StorageErrors.classify("writing " + store.location(id) + "/manifest.json", e);
    }
  }

  private Outcome fail(
      RunnerException e, RunRecord record, RunRecorder recorder, BackupId id, boolean locked) {
    supervisor.cleaning();
    if (deadline.expired() && e.exitCode() != ExitCode.LOCKED) {
      // Once the run is stopped, whatever failed next is the stop's doing.
      e = deadline.timedOut();
    }
    ExitCode code = e.exitCode();
    if (code == ExitCode.LOCKED) {
      LOG.atWarn()
          .addKeyValue("event", "locked")
          .addKeyValue("exit_code", code.code())
          .log(e.getMessage());
      return new Outcome(code, record, e.getMessage());
    }
    removeThisRunsFiles(id, locked);
    RunRecord failed =
        record.finished(RunStatus.FAILED, now()).toBuilder()
            .error(code.code(), e.getMessage())
            .build();
    recorder.record(failed);
    if (!supervisor.claimReport()) {
      return new Outcome(code, failed, e.getMessage());
    }
    LOG.atError()
        .addKeyValue("event", stopEvent(code))
        .addKeyValue("exit_code", code.code())
        .addKeyValue("error_class", code.name())
        .addKeyValue("duration_ms", failed.durationMs())
        .setCause(code == ExitCode.FAILED && !deadline.expired() ? e : null)
        .log(e.getMessage());
    return new Outcome(code, failed, e.getMessage());
  }

  /** The event of the run's failure line: timeout, terminated (SIGTERM), or run_failed. */
  private String stopEvent(ExitCode code) {
    if (code == ExitCode.TIMEOUT) {
      return "timeout";
    }
    return deadline.expired() ? "terminated" : "run_failed";
  }

  /**
   * The outcome of a stopped run that did not end within the grace period (a call that never
   * returns): logged here; its RUNNING history row is closed, and its files are removed, by the
   * next run.
   */
  private Outcome abandoned() {
    RunnerException e = deadline.timedOut();
    String message =
        e.getMessage()
            + "; the run did not end within "
            + RunSupervisor.GRACE.toSeconds()
            + " s and was abandoned (the next run closes its history row and removes its files)";
    RunRecord failed =
        startRecord == null
            ? null
            : startRecord.finished(RunStatus.FAILED, now()).toBuilder()
                .error(e.exitCode().code(), message)
                .build();
    if (supervisor.claimReport()) {
      if (startRecord != null) {
        MDC.put("backup", config.qualifiedName());
        MDC.put("backup_id", startRecord.backupId());
      }
      LOG.atError()
          .addKeyValue("event", stopEvent(e.exitCode()))
          .addKeyValue("exit_code", e.exitCode().code())
          .addKeyValue("error_class", e.exitCode().name())
          .log(message);
      MDC.remove("backup");
      MDC.remove("backup_id");
    }
    return new Outcome(e.exitCode(), failed, message);
  }

  /** A failed run leaves nothing behind; only its own folder is touched. */
  private void removeThisRunsFiles(BackupId id, boolean locked) {
    if (!locked) {
      return;
    }
    try {
      if (!store.exists(id, Manifest.FILE_NAME)) {
        store.deleteBackup(id);
      }
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "cleanup_failed")
          .addKeyValue("error", e.getMessage())
          .log("could not remove this run's partial files; a later good run removes them");
    }
  }

  private void summary(RunRecord r, RetentionStep.Result retention) {
    double ratio = r.dumpBytes() == 0 ? 0 : 1.0 - (double) r.storedBytes() / r.dumpBytes();
    LOG.atInfo()
        .addKeyValue("event", "summary")
        .addKeyValue("status", r.status())
        .addKeyValue("dump_bytes", r.dumpBytes())
        .addKeyValue("stored_bytes", r.storedBytes())
        .addKeyValue("reduction", String.format(Locale.ROOT, "%.1f%%", ratio * 100))
        .addKeyValue("duration_s", String.format(Locale.ROOT, "%.1f", r.durationMs() / 1000.0))
        .addKeyValue("verified", r.verified())
        .addKeyValue("verification", r.verification() == null ? null : r.verification().mode())
        .addKeyValue("verification_rows", r.verification() == null ? null : r.verification().rows())
        .addKeyValue("sha256", r.sha256())
        .addKeyValue("location", r.location())
        .addKeyValue("deleted", retention.deleted().size())
        .addKeyValue("delete_failures", retention.failed())
        .addKeyValue("warnings", retention.warnings().size())
        .log("backup succeeded");
    for (String warning : retention.warnings()) {
      LOG.atWarn().addKeyValue("event", "run_warning").log(warning);
    }
  }

  private void phase(String phase) {
    deadline.phase(phase);
    MDC.put("phase", phase);
    LOG.atInfo().addKeyValue("event", "phase").log(phase);
    settings.listener().phase(phase);
  }

  private Instant now() {
    return settings.clock().instant();
  }
}
