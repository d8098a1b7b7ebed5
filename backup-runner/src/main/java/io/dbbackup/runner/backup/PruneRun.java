package io.dbbackup.runner.backup;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.history.PendingHistory;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.run.RunSession;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.MDC;

/**
 * Retention on demand ({@code backup-runner prune}): the same policy a good run applies, under the
 * run lock, auditing each deletion; the newest minKeep good backups are never deleted.
 */
public final class PruneRun {
  private final BackupConfig config;
  private final BackupStore store;
  private final RunSettings settings;

  public PruneRun(BackupConfig config, BackupStore store, RunSettings settings) {
    this.config = config;
    this.store = store;
    this.settings = settings;
  }

  /**
   * What prune did (or would do): the deletions, and why there may be fewer than the policy says (a
   * store that could not be read completely: then nothing is deleted); {@code decisions}: every
   * folder with the rules keeping it or the reason it goes.
   */
  public record Outcome(
      List<RetentionPolicy.Deletion> plan,
      List<String> warnings,
      List<RetentionPolicy.Decision> decisions) {}

  /** Deletes what the policy says (or only lists it with {@code dryRun}). */
  public Outcome execute(boolean dryRun) {
    var r = config.spec().getRetention();
    RetentionPolicy policy =
        RetentionPolicy.of(r, config.zone(), Duration.ofMinutes(config.spec().getTimeoutMinutes()));
    Instant now = settings.clock().instant();
    MDC.put("backup", config.qualifiedName());
    try (RunSession session = RunSession.connect(config, settings)) {
      session.lock();
      // Prune has no backup of its own: no id can be "current".
      BackupId none = BackupId.generate(now.plusSeconds(1));
      if (dryRun) {
        Catalog catalog = Catalog.read(store);
        List<String> warnings = new java.util.ArrayList<>();
        if (!catalog.complete()) {
          warnings.add(
              "nothing would be deleted: some backup folders could not be read or trusted");
          warnings.addAll(catalog.warnings());
        }
        RetentionPolicy.Explanation explanation = policy.explain(catalog, now, none);
        return new Outcome(explanation.deletions(), warnings, explanation.decisions());
      }
      RunRecorder recorder =
          new RunRecorder(
              new PendingHistory(store),
              settings.listener(),
              config.spec().getHistory().isEnabled());
      recorder.attach(session.openHistory(store, none.value(), now, recorder));
      try {
        RetentionStep.Result result =
            RetentionStep.apply(
                store, policy, now, none, config.namespace(), config.name(), recorder);
        return new Outcome(result.deleted(), result.warnings(), result.decisions());
      } finally {
        recorder.finish(store, settings.clock().instant());
      }
    } catch (IOException e) {
      throw StorageErrors.classify("listing backups", e);
    } finally {
      MDC.remove("backup");
    }
  }
}
