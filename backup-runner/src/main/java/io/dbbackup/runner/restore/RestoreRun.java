package io.dbbackup.runner.restore;

import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.crypto.OpenPgpConfig;
import io.dbbackup.runner.history.RecordedChecksum;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A restore (BATCH-101 API-308): find the backup, verify it end to end first, check the target,
 * then stream it — decompressed — into stock {@code psql}, as a DBA would by hand. A non-empty
 * target is refused unless {@code overwrite}, which replaces the databases the backup holds: those
 * the verified dump has sections for, never those its manifest lists.
 */
public final class RestoreRun {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);

  /** What was restored. */
  public record Result(String backupId, long dumpBytes, int benignErrors, Duration duration) {}

  private final BackupConfig backup;
  private final DatabaseRestoreSpec spec;
  private final BackupStore store;
  private final RunSettings settings;
  private final PgTools tools;
  private final Deadline deadline;

  public RestoreRun(
      BackupConfig backup,
      DatabaseRestoreSpec spec,
      BackupStore store,
      RunSettings settings,
      PgTools tools) {
    this(backup, spec, store, settings, tools, Deadline.untimed());
  }

  /**
   * @param deadline when it passes (a SIGTERM), the verification stops and psql's process group is
   *     ended; the restore then fails, never reported as done
   */
  public RestoreRun(
      BackupConfig backup,
      DatabaseRestoreSpec spec,
      BackupStore store,
      RunSettings settings,
      PgTools tools,
      Deadline deadline) {
    this.backup = backup;
    this.spec = spec;
    this.store = store;
    this.settings = settings;
    this.tools = tools;
    this.deadline = deadline;
  }

  /**
   * Reads every secret a restore uses: the source's database password when it is given (for the
   * history cross-check), the target's password and the decryption key or passphrase, so that a
   * missing or empty file fails with exit 2 naming its field before anything is read or changed.
   */
  public static void readSecrets(BackupConfig backup, DatabaseRestoreSpec spec) {
    // The source's password only serves the optional history cross-check: in the cluster the
    // restore pod is not given it (least privilege), so an absent file skips the cross-check,
    // while a file that is there must be usable.
    var source = backup.spec().getDatabase().getPasswordSecretRef();
    if (source == null
        || java.nio.file.Files.exists(
            backup.secrets().dir().resolve(source.getName()).resolve(source.getKey()))) {
      RecordedChecksum.requireSecrets(backup);
    }
    if (spec.getTarget() != null) {
      RestoreTarget.settings(spec, backup.secrets());
    }
    if (spec.getDecryption() != null) {
      OpenPgpConfig.restoreDecryptor(spec.getDecryption(), backup.secrets());
    }
    if (backup.spec().getIncremental() != null) {
      ChunkKey.read(backup.spec().getIncremental().getChunkKeySecretRef(), backup.secrets());
    }
  }

  public Result execute() {
    long start = System.nanoTime();
    RestorePlan plan = RestorePlan.find(backup, spec, store);
    Manifest manifest = plan.manifest();
    MDC.put("backup", backup.qualifiedName());
    MDC.put("backup_id", manifest.id());
    try {
      RestoreSource source =
          manifest.isIncremental()
              ? new ChunkedDump(plan, store, deadline)
              : new StoredDump(plan, store, settings.progressInterval(), deadline);
      RestoreTarget target =
          new RestoreTarget(
              RestoreTarget.settings(spec, backup.secrets()),
              spec.isOverwrite(),
              settings.sleeper());
      // Before the backup is read and before the target is changed in any way.
      source.check(target);
      // The databases come from the dump itself, read while it is verified: an overwrite drops
      // only what the dump recreates, never what a manifest (which anyone who can write the store
      // can change) claims.
      DatabaseSelection sections = new DatabaseSelection(OutputStream.nullOutputStream(), Set.of());
      source.verify(sections);
      closeQuietly(sections);
      Set<String> held = Set.copyOf(sections.seen());
      Set<String> selection = plan.selection(sections.seen());
      deadline.check();
      target.prepare(held, selection);
      deadline.check();
      int benign =
          PsqlSink.start(tools, target.settings(), deadline)
              .restore(source, manifest, selection, spec.getTarget().getUser());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      source
          .describe(
              LOG.atInfo()
                  .addKeyValue("event", "restore_summary")
                  .addKeyValue("target", target.settings().toString())
                  .addKeyValue("dump_bytes", manifest.dumpBytes()))
          .addKeyValue("duration_s", took.toSeconds())
          .log("restore succeeded");
      return new Result(manifest.id(), manifest.dumpBytes(), benign, took);
    } finally {
      MDC.remove("backup");
      MDC.remove("backup_id");
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // a stream into nothing
    }
  }

  /** Human-readable size of a restore, for the command's output. */
  public static String describe(Result r) {
    return "restored backup "
        + r.backupId()
        + " ("
        + Sizes.human(r.dumpBytes())
        + " of SQL) in "
        + r.duration().toSeconds()
        + " s";
  }
}
