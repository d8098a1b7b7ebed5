package io.dbbackup.runner;

import io.dbbackup.runner.history.AuditEntry;
import io.dbbackup.runner.retention.RetentionPolicy;
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

  /** What retention did, and why it may have done less than the policy says. */
  record Result(List<RetentionPolicy.Deletion> deleted, int failed, List<String> warnings) {}

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
      return new Result(List.of(), 0, List.of(warning));
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
    List<RetentionPolicy.Deletion> plan = policy.plan(catalog, now, current);
    LOG.atInfo()
        .addKeyValue("event", "retention_plan")
        .addKeyValue("good_backups", catalog.backups().size())
        .addKeyValue("incomplete", catalog.incomplete().size())
        .addKeyValue("unreadable", catalog.unreadable().size())
        .addKeyValue("to_delete", plan.size())
        .addKeyValue("days", policy.days())
        .addKeyValue("min_keep", policy.minKeep())
        .log("retention");
    List<RetentionPolicy.Deletion> deleted = new java.util.ArrayList<>();
    int failed = 0;
    for (RetentionPolicy.Deletion d : plan) {
      String sha = catalog.find(d.id().value()).map(Manifest::sha256).orElse(null);
      try {
        store.deleteBackup(d.id());
        deleted.add(d);
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
      } catch (IOException e) {
        failed++;
        LOG.atError()
            .addKeyValue("event", "retention_delete_failed")
            .addKeyValue("backup_id", d.id().value())
            .addKeyValue("error", e.getMessage())
            .log("could not delete an expired backup; it is retried by the next good run");
      }
    }
    return new Result(List.copyOf(deleted), failed, List.copyOf(warnings));
  }
}
