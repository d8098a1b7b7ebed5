package io.dbbackup.controller.metrics;

import io.dbbackup.api.v1alpha1.BackupRecord;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts finished runs per resource and result, from the {@code lastBackup} each reconcile sees.
 * The first sight of a resource (at start or when it appears) only remembers its current run, so a
 * controller restart does not count old runs again; a counter that resets on restart is what
 * Prometheus' {@code rate()} expects. The runner's history table is the durable record.
 */
public final class RunCounter {
  /** Counts of one resource, keyed by result (succeeded, failed, skipped). */
  record Counts(String namespace, String name, ConcurrentMap<String, Long> byResult) {}

  private final ConcurrentMap<String, String> lastCounted = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counts> counts = new ConcurrentHashMap<>();

  /** Looks at the resource's latest run and counts it once if it is finished and new. */
  public void observe(DatabaseBackup backup) {
    String key = key(backup.getMetadata().getNamespace(), backup.getMetadata().getName());
    BackupRecord last = backup.getStatus() == null ? null : backup.getStatus().getLastBackup();
    String id =
        last != null && last.getPhase() != null && last.getPhase().isTerminal()
            ? last.getId()
            : null;
    String previous = lastCounted.putIfAbsent(key, id == null ? "" : id);
    if (previous == null || id == null || id.equals(previous)) {
      return;
    }
    if (lastCounted.replace(key, previous, id)) {
      counts
          .computeIfAbsent(
              key,
              k ->
                  new Counts(
                      backup.getMetadata().getNamespace(),
                      backup.getMetadata().getName(),
                      new ConcurrentHashMap<>()))
          .byResult()
          .merge(last.getPhase().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
    }
  }

  /** Forgets resources that no longer exist. */
  public void retain(Collection<DatabaseBackup> present) {
    Set<String> keys =
        present.stream()
            .map(b -> key(b.getMetadata().getNamespace(), b.getMetadata().getName()))
            .collect(java.util.stream.Collectors.toSet());
    lastCounted.keySet().retainAll(keys);
    counts.keySet().retainAll(keys);
  }

  Collection<Counts> snapshot() {
    return counts.values();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
