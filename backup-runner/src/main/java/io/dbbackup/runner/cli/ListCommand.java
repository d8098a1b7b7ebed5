package io.dbbackup.runner.cli;

import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.run.RunSupervisor;
import io.dbbackup.runner.run.Sizes;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestCodec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code list}: the good backups in storage, newest first (BATCH-101 API-307). */
@Command(
    name = "list",
    description = "List the good backups in storage (those with a manifest), newest first.",
    mixinStandardHelpOptions = true)
public final class ListCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--json", description = "Print the manifests as a JSON array.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BackupConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    try (RunSupervisor.Registration sigterm = RunSupervisor.plainCommand("list");
        BackupStore store = Stores.open(config)) {
      Catalog catalog = Catalog.read(store);
      if (json) {
        out.println(
            ManifestCodec.mapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(catalog.backups()));
      } else {
        String format = "%-23s %-22s %-11s %10s %10s %10s %-9s %s%n";
        out.printf(
            format, "ID", "STARTED", "TYPE", "SIZE", "REFERENCED", "DUMP", "VERIFIED", "LOCATION");
        for (Manifest m : catalog.backups()) {
          out.printf(
              format,
              m.id(),
              m.startTime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
              m.isIncremental() ? "incremental" : "full",
              Sizes.human(m.storedBytes()),
              // An incremental backup's SIZE is what its run added; it reads REFERENCED bytes.
              Sizes.human(m.isIncremental() ? m.incremental().referencedBytes() : m.storedBytes()),
              Sizes.human(m.dumpBytes()),
              verifiedLabel(m),
              store.location(m.backupId()));
        }
      }
      out.flush();
      if (!catalog.incomplete().isEmpty()) {
        spec.commandLine()
            .getErr()
            .printf(
                "%d folder(s) without a manifest (incomplete or abandoned runs) not listed%n",
                catalog.incomplete().size());
      }
      for (String warning : catalog.warnings()) {
        spec.commandLine().getErr().println("not listed: " + warning);
      }
      spec.commandLine().getErr().flush();
    }
    return 0;
  }

  /** yes (checksum), restore (restored and counted), FAILED (kept, unverified), no (off). */
  static String verifiedLabel(Manifest m) {
    if (m.verificationFailed()) {
      return "FAILED";
    }
    if (!m.verified()) {
      return "no";
    }
    return m.verification().restore() != null ? "restore" : "yes";
  }
}
