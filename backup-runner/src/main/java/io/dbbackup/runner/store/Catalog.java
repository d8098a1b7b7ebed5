package io.dbbackup.runner.store;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is in a store: the good backups (a manifest that passed {@link ManifestCheck}), the folders
 * proven to have no manifest (a successful lookup showed it absent), and the folders whose manifest
 * could not be read or trusted. Only the second kind may ever be swept as abandoned; while any
 * folder is unreadable, retention deletes nothing.
 */
public record Catalog(
    List<Manifest> backups, List<BackupId> incomplete, List<Unreadable> unreadable) {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  /**
   * A folder whose manifest is there (or may be) but was not read: {@code invalid} when it was read
   * and failed its checks, else the store could not be asked.
   */
  public record Unreadable(BackupId id, String reason, boolean invalid) {}

  public Catalog {
    backups = List.copyOf(backups);
    incomplete = List.copyOf(incomplete);
    unreadable = List.copyOf(unreadable);
  }

  /** A catalog with nothing unreadable. */
  public Catalog(List<Manifest> backups, List<BackupId> incomplete) {
    this(backups, incomplete, List.of());
  }

  /**
   * Reads every manifest in the store. A listing error is thrown; a folder whose manifest cannot be
   * looked up, read or trusted is logged and counted as unreadable, never as incomplete.
   */
  public static Catalog read(BackupStore store) throws IOException {
    List<Manifest> backups = new ArrayList<>();
    List<BackupId> incomplete = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    for (BackupId id : store.listIds()) {
      String where = store.location(id) + "/" + Manifest.FILE_NAME;
      try {
        if (!store.exists(id, Manifest.FILE_NAME)) {
          incomplete.add(id);
          continue;
        }
        try (InputStream in = store.open(id, Manifest.FILE_NAME)) {
          backups.add(ManifestCheck.check(ManifestCodec.decode(in, where), id, where));
        }
      } catch (ManifestException e) {
        unreadable.add(unreadable(id, e.getMessage(), true));
      } catch (IOException | RuntimeException e) {
        unreadable.add(
            unreadable(
                id,
                where + ": cannot be read: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                false));
      }
    }
    // Newest first by id: the id is the start time (to the second) and the folder's name, which a
    // manifest cannot move; the manifest's own startTime was checked to agree with it.
    backups.sort(Comparator.comparing(Manifest::backupId).reversed());
    return new Catalog(backups, incomplete, unreadable);
  }

  private static Unreadable unreadable(BackupId id, String reason, boolean invalid) {
    LOG.atWarn()
        .addKeyValue("event", "manifest_unreadable")
        .addKeyValue("backup_id", id.value())
        .addKeyValue("invalid", invalid)
        .addKeyValue("error", reason)
        .log("manifest cannot be read; the folder is kept and does not count as a backup");
    return new Unreadable(id, reason, invalid);
  }

  /** Good backups, newest first. */
  @Override
  public List<Manifest> backups() {
    return backups;
  }

  /** The newest good backup; one that failed verification by restore is never the latest. */
  public Optional<Manifest> latest() {
    return backups.stream().filter(m -> !m.verificationFailed()).findFirst();
  }

  public Optional<Manifest> find(String id) {
    return backups.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  /** Whether every folder's state is known: nothing unreadable. */
  public boolean complete() {
    return unreadable.isEmpty();
  }

  /**
   * The good backup {@code id} names ({@code latest}: the newest folder with a manifest), or empty
   * when there is none.
   *
   * @throws RunnerException when that folder's manifest cannot be trusted ({@link
   *     ExitCode#VERIFICATION_FAILED}) or read ({@link ExitCode#STORAGE_FAILED}): an older backup
   *     is never silently taken for the latest
   */
  public Optional<Manifest> pick(String id) {
    Optional<Unreadable> bad;
    if ("latest".equals(id)) {
      Optional<BackupId> newestGood = latest().map(Manifest::backupId);
      bad =
          unreadable.stream()
              .filter(u -> newestGood.isEmpty() || u.id().compareTo(newestGood.get()) > 0)
              .max(Comparator.comparing(Unreadable::id));
    } else {
      bad = unreadable.stream().filter(u -> u.id().value().equals(id)).findFirst();
    }
    if (bad.isPresent()) {
      Unreadable u = bad.get();
      throw new RunnerException(
          u.invalid() ? ExitCode.VERIFICATION_FAILED : ExitCode.STORAGE_FAILED,
          "backup " + u.id() + (id.equals("latest") ? " (the latest)" : "") + ": " + u.reason());
    }
    return "latest".equals(id) ? latest() : find(id);
  }

  /** Why the picture is incomplete, one line per unreadable folder. */
  public List<String> warnings() {
    return unreadable.stream().map(u -> "backup " + u.id() + " kept: " + u.reason()).toList();
  }
}
