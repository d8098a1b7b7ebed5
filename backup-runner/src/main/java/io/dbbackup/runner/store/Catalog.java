package io.dbbackup.runner.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What is in a store: the good backups (with a manifest) and the folders without one. */
public record Catalog(List<Manifest> backups, List<BackupId> incomplete) {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  /** Reads every manifest in the store; an unreadable manifest counts as incomplete. */
  public static Catalog read(BackupStore store) throws IOException {
    List<Manifest> backups = new ArrayList<>();
    List<BackupId> incomplete = new ArrayList<>();
    for (BackupId id : store.listIds()) {
      if (!store.exists(id, Manifest.FILE_NAME)) {
        incomplete.add(id);
        continue;
      }
      try (InputStream in = store.open(id, Manifest.FILE_NAME)) {
        Manifest manifest = ManifestCodec.decode(in);
        if (!id.value().equals(manifest.id())) {
          throw new IOException("manifest id " + manifest.id() + " does not match its folder");
        }
        backups.add(manifest);
      } catch (IOException e) {
        LOG.atWarn()
            .addKeyValue("event", "manifest_unreadable")
            .addKeyValue("backup_id", id.value())
            .addKeyValue("error", e.getMessage())
            .log("manifest cannot be read; the folder does not count as a backup");
        incomplete.add(id);
      }
    }
    // Newest first by the precise start time: ids have one-second resolution.
    backups.sort(Comparator.comparing(Manifest::startTime).thenComparing(Manifest::id).reversed());
    return new Catalog(List.copyOf(backups), List.copyOf(incomplete));
  }

  /** Good backups, newest first. */
  @Override
  public List<Manifest> backups() {
    return backups;
  }

  public Optional<Manifest> latest() {
    return backups.stream().findFirst();
  }

  public Optional<Manifest> find(String id) {
    return backups.stream().filter(m -> m.id().equals(id)).findFirst();
  }
}
