package io.dbbackup.runner.backup;

import io.dbbackup.runner.error.StorageErrors;
import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.run.RunRecorder;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the retention policy to a store, auditing each deletion. Used after a good run only. On
 * an incomplete picture of the store (the listing failed, or a manifest could not be read or
 * trusted) it deletes nothing and says why in {@link Result#warnings()}.
 */
final class RetentionStep {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionStep.class);

  /**
   * What retention did, and why it may have done less than the policy says; {@code decisions}: the
   * policy's verdict on every folder (the rules keeping it, or why it goes).
   */
  record Result(
      List<RetentionPolicy.Deletion> deleted,
      int failed,
      List<String> warnings,
      List<RetentionPolicy.Decision> decisions) {}

  private RetentionStep() {}

  static Result apply(
      BackupStore store,
      RetentionPolicy policy,
      Instant now,
      BackupId current,
      String namespace,
      String name,
      RunRecorder recorder) {
    Catalog catalog;
    try {
      catalog = Catalog.read(store);
    } catch (IOException e) {
      String warning =
          "retention skipped: the backups could not be listed ("
              + StorageErrors.classify("listing backups", e).getMessage()
              + ")";
      LOG.atWarn().addKeyValue("event", "retention_skipped").log(warning);
      return new Result(List.of(), 0, List.of(warning), List.of());
    }
    List<String> warnings = new java.util.ArrayList<>();
    if (!catalog.complete()) {
      warnings.add(
          "retention skipped: "
              + catalog.unreadable().size()
              + " backup folder(s) could not be read or trusted, so nothing is deleted");
      warnings.addAll(catalog.warnings());
      warnings.forEach(w -> LOG.atWarn().addKeyValue("event", "retention_skipped").log(w));
    }
    RetentionPolicy.Explanation explanation = policy.explain(catalog, now, current);
    logPlan(catalog, policy, explanation);
    List<RetentionPolicy.Deletion> deleted = new java.util.ArrayList<>();
    int failed = 0;
    for (RetentionPolicy.Deletion d : explanation.deletions()) {
      if (delete(store, catalog, d, now, namespace, name, recorder)) {
        deleted.add(d);
      } else {
        failed++;
      }
    }
    return new Result(List.copyOf(deleted), failed, List.copyOf(warnings), explanation.decisions());
  }

  /** The retention line, then a line for each backup kept and the rules keeping it. */
  private static void logPlan(
      Catalog catalog, RetentionPolicy policy, RetentionPolicy.Explanation explanation) {
    LOG.atInfo()
        .addKeyValue("event", "retention_plan")
        .addKeyValue("good_backups", catalog.backups().size())
        .addKeyValue("incomplete", catalog.incomplete().size())
        .addKeyValue("unreadable", catalog.unreadable().size())
        .addKeyValue("to_delete", explanation.deletions().size())
        .addKeyValue("days", policy.days())
        .addKeyValue("min_keep", policy.minKeep())
        .addKeyValue("keep_daily", policy.gfs().daily())
        .addKeyValue("keep_weekly", policy.gfs().weekly())
        .addKeyValue("keep_monthly", policy.gfs().monthly())
        .addKeyValue("keep_yearly", policy.gfs().yearly())
        .addKeyValue("time_zone", policy.zone().getId())
        .log("retention");
    for (RetentionPolicy.Decision d : explanation.decisions()) {
      if (!d.deleted()) {
        LOG.atInfo()
            .addKeyValue("event", "retention_keep")
            .addKeyValue("kept_backup", d.id().value())
            .addKeyValue("kept_by", keptBy(d))
            .log("kept " + d.id().value());
      }
    }
  }

  /** Deletes one expired backup and audits it; false (logged) when the deletion failed. */
  private static boolean delete(
      BackupStore store,
      Catalog catalog,
      RetentionPolicy.Deletion d,
      Instant now,
      String namespace,
      String name,
      RunRecorder recorder) {
    String sha = catalog.find(d.id().value()).map(Manifest::sha256).orElse(null);
    try {
      store.deleteBackup(d.id());
    } catch (IOException e) {
      LOG.atError()
          .addKeyValue("event", "retention_delete_failed")
          .addKeyValue("expired_backup", d.id().value())
          .addKeyValue("error", e.getMessage())
          .log("could not delete an expired backup; it is retried by the next good run");
      return false;
    }
    recorder.audit(
        new AuditEntry(
            now,
            namespace,
            name,
            AuditEntry.DELETED,
            d.id().value(),
            store.location(d.id()),
            sha,
            d.reason().name().toLowerCase(java.util.Locale.ROOT) + ": " + d.detail()));
    return true;
  }

  /**
   * "minKeep 1/1, daily 2026-11-24": the rules keeping a backup, as prune and the log show them.
   */
  static String keptBy(RetentionPolicy.Decision d) {
    return String.join(", ", d.keptBy().stream().map(RetentionPolicy.Keep::toString).toList());
  }
}
