package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.VerificationSpec;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.run.Deadline;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Manifest;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What the steps of one backup run share: its configuration, store, settings, tools and deadline,
 * and how a step announces its phase.
 */
record RunContext(
    BackupConfig config,
    BackupStore store,
    RunSettings settings,
    PgTools tools,
    Deadline deadline,
    Consumer<String> phases) {

  Instant now() {
    return settings.clock().instant();
  }

  void phase(String phase) {
    phases.accept(phase);
  }

  /** spec.verification.mode: restore (with verify on). */
  boolean restoreVerification() {
    var v = config.spec().getVerification();
    return config.spec().isVerify() && v != null && v.getMode() == VerificationSpec.Mode.RESTORE;
  }

  /** The DatabaseBackup the run backs up, as its manifest names it. */
  Manifest.Resource resource() {
    return new Manifest.Resource(
        config.namespace(), config.name(), config.resource().getMetadata().getUid());
  }
}
