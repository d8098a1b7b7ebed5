package io.dbbackup.runner.backup;

import io.dbbackup.api.v1alpha1.WindowSpec;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/** BATCH-101's allowed window: [start, end) in the resource's zone, wrapping past midnight. */
public record BackupWindow(LocalTime start, LocalTime end, ZoneId zone) {

  public static BackupWindow of(WindowSpec spec, ZoneId zone) {
    return new BackupWindow(LocalTime.parse(spec.getStart()), LocalTime.parse(spec.getEnd()), zone);
  }

  public boolean contains(Instant instant) {
    LocalTime t = instant.atZone(zone).toLocalTime();
    if (start.isBefore(end)) {
      return !t.isBefore(start) && t.isBefore(end);
    }
    return !t.isBefore(start) || t.isBefore(end);
  }

  @Override
  public String toString() {
    return start + "-" + end + " " + zone;
  }
}
