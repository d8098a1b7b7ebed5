package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.BackupPhase;
import io.dbbackup.api.v1alpha1.BackupType;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.ServerInfo;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.OutOfMemory;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.history.RunRecord;
import io.dbbackup.runner.pipeline.DataPath;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunOutcome;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.run.RunSession;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.run.RunSupervisor;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.restore.ScratchCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One backup run, BATCH-101's flow: reachable → client supports the server → lock → window → space
 * → dump → verify → manifest → retention → history. Any failure stops pg_dumpall, removes this
 * run's files, releases the lock, records FAILED and returns the failure's exit code; earlier
 * backups are never touched ({@link RunFailure}). The dump, verify and manifest phases are the
 * {@link DumpAndStore} step, full or incremental. The run executes on a worker thread under its
 * {@link Deadline}: past spec.timeoutMinutes, or on SIGTERM, it is stopped in whatever phase it is
 * (see {@link RunSupervisor}).
 */
public final class BackupRun {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

  private final BackupConfig config;
  private final BackupStore store;
  private final RunSettings settings;
  private final PgTools tools;
  private volatile Deadline deadline;
  private volatile RunContext run;
  private volatile RunSupervisor<RunOutcome> supervisor;
  private volatile RunFailure failure;
  private volatile RunRecord startRecord;

  /** The run's history row as it stands: what a failure records. */
  private RunRecord record;

  public BackupRun(BackupConfig config, BackupStore store, RunSettings settings, PgTools tools) {
    this.config = config;
    this.store = store;
    this.settings = settings;
    this.tools = tools;
  }

  public RunOutcome execute() {
    try (Deadline d = new Deadline(timeout())) {
      deadline = d;
      supervisor = RunSupervisor.forBackup(d, RunSupervisor.GRACE);
      run = new RunContext(config, store, settings, tools, d, this::phase);
      failure = new RunFailure(run, supervisor);
      return supervisor.run(this::runPhases, () -> failure.abandoned(startRecord));
    }
  }

  private RunOutcome runPhases() {
    DatabaseBackupSpec spec = config.spec();
    Instant start = now();
    BackupId id = BackupId.generate(start);
    // Every secret the run needs is read before anything is written: a config mistake (a missing
    // or empty secret file) leaves the store untouched, no spooled record, no folder.
    DataPath path = DataPath.forBackup(spec, config.secrets(), start);
    ConnectionSettings.from(spec.getDatabase(), config.secrets());
    ChunkKey chunkKey =
        spec.getType() == BackupType.INCREMENTAL
            ? ChunkKey.read(spec.getIncremental().getChunkKeySecretRef(), config.secrets())
            : null;
    record = firstRecord(id, start, path);
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
    DumpAndStore dumping = DumpAndStore.of(run, path, chunkKey);
    deadline.onExpiry(store::stop);
    try {
      phase("connect");
      session = RunSession.connect(config, settings);
      return phases(session, id, start, path, dumping, recorder);
    } catch (RunnerException e) {
      return failure.fail(OutOfMemory.classify(e), record, recorder, id, locked(session));
    } catch (RuntimeException e) {
      return failure.fail(
          OutOfMemory.classify(new RunnerException(ExitCode.FAILED, "unexpected error: " + e, e)),
          record,
          recorder,
          id,
          locked(session));
    } catch (OutOfMemoryError e) {
      // The run's buffers are unreachable once the error has unwound to here: there is room to
      // clean up and record the failure.
      return failure.fail(OutOfMemory.failure(e), record, recorder, id, locked(session));
    } finally {
      dumping.close();
      recorder.finish(store, now());
      if (session != null) {
        session.close();
      }
      MDC.remove("backup");
      MDC.remove("backup_id");
      MDC.remove("phase");
    }
  }

  private RunRecord firstRecord(BackupId id, Instant start, DataPath path) {
    return RunRecord.builder()
        .backupId(id.value())
        .resource(config.namespace(), config.name())
        .type(config.spec().getType().name().toLowerCase(Locale.ROOT))
        .startedAt(start)
        .compression(path.compressionLabel())
        .encryption(path.encryptionLabel())
        .location(store.location(id))
        .runnerHost(settings.runnerHost())
        .build();
  }

  private static boolean locked(RunSession session) {
    return session != null && session.locked();
  }

  /** The phases after connect, on the connected session. */
  private RunOutcome phases(
      RunSession session,
      BackupId id,
      Instant start,
      DataPath path,
      DumpAndStore dumping,
      RunRecorder recorder) {
    supervisor.onStuck(session::abort);
    ServerInfo server = session.server();
    record = record.toBuilder().serverVersion(server.version()).build();
    // Before the lock and the history tables: a server this client cannot dump changes nothing on
    // it.
    DumpStep.checkClient(tools, server);

    phase("lock");
    session.lock();
    recorder.attach(session.openHistory(store, id.value(), start, recorder));
    deadline.check();

    phase("window");
    if (config.spec().getWindow() != null) {
      BackupWindow window = BackupWindow.of(config.spec().getWindow(), config.zone());
      if (!window.contains(start)) {
        String why = "outside the window " + window + ": skipped";
        record = record.finished(BackupPhase.Skipped, now()).toBuilder().error(9, why).build();
        recorder.record(record);
        LOG.atWarn().addKeyValue("event", "skipped").log(why);
        return new RunOutcome(ExitCode.OUTSIDE_WINDOW, record, why);
      }
    }
    recorder.record(record);

    phase("space");
    SpaceCheck.check(
        store,
        server,
        path.compressor().algorithm(),
        config.spec().getExpectedSizeMiB(),
        run.restoreVerification() ? ScratchCluster.root() : null);
    deadline.check();

    phase("dump");
    dump(dumping.run(id, start, server, session, recorder), id, recorder);

    phase("retention");
    RetentionStep.Result retention =
        retention(id, recorder, dumping instanceof IncrementalDumpAndStore);
    RunOutcome succeeded = RunSuccess.outcome(record, id, retention, recorder, now());
    record = succeeded.record();
    return succeeded;
  }

  /** Records what the dump phase stored; a backup that failed verification by restore fails. */
  private void dump(Manifest stored, BackupId id, RunRecorder recorder) {
    record = record.stored(stored);
    Manifest.Verification verification = stored.verification();
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
            stored.sha256(),
            "backup run"));
  }

  /** Retention, then (incremental) the sweep of the chunks no index names; their warnings. */
  private RetentionStep.Result retention(BackupId id, RunRecorder recorder, boolean incremental) {
    RetentionStep.Result retention =
        RetentionStep.apply(
            store, retentionPolicy(), now(), id, config.namespace(), config.name(), recorder);
    if (!incremental) {
      return retention;
    }
    // After the new manifest and retention, under the lock: the chunks no index names.
    ChunkSweep.Result sweep =
        ChunkSweep.sweep(store, now().minus(retentionPolicy().abandonedAfter()));
    if (sweep.warnings().isEmpty()) {
      return retention;
    }
    List<String> all = new ArrayList<>(retention.warnings());
    all.addAll(sweep.warnings());
    return new RetentionStep.Result(
        retention.deleted(), retention.failed(), all, retention.decisions());
  }

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
