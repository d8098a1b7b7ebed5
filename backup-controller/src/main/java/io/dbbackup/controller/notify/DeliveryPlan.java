package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.NotificationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, from what was already sent ({@code status.notifications} and what this process sent
 * since), whether a happening is due on a channel. Pure.
 *
 * <ul>
 *   <li>A one-off (e.g. {@code BackupFailed/<run id>}) is due when the channel has no record of its
 *       key, or only a {@code Failed} one older than {@code retryFailedAfter}.
 *   <li>A condition that persists is due when the channel has no {@code Sent} record of the same
 *       event within {@code repeat} (whatever its key: at most one such message per {@code
 *       repeatMinutes}) and no {@code Failed} one of its key within {@code retryFailedAfter}.
 * </ul>
 */
public final class DeliveryPlan {
  public static final String SENT = "Sent";
  public static final String FAILED = "Failed";

  private DeliveryPlan() {}

  public static boolean due(
      Happening h,
      ChannelTarget channel,
      Collection<NotificationRecord> records,
      Instant now,
      Duration repeat,
      Duration retryFailedAfter) {
    if (!channel.receives(h.event())) {
      return false;
    }
    Optional<NotificationRecord> same =
        newest(
            records.stream()
                .filter(r -> channel.name().equals(r.getChannel()) && h.key().equals(r.getKey()))
                .toList());
    if (same.isPresent() && FAILED.equals(same.get().getResult())) {
      if (!olderThan(same.get(), now, retryFailedAfter)) {
        return false;
      }
    }
    if (!h.persists()) {
      return same.isEmpty() || !SENT.equals(same.get().getResult());
    }
    return records.stream()
        .filter(r -> channel.name().equals(r.getChannel()) && h.event() == r.getEvent())
        .filter(r -> SENT.equals(r.getResult()))
        .allMatch(r -> olderThan(r, now, repeat));
  }

  /**
   * {@code records} with {@code record} first, replacing the one of the same channel and key, at
   * most {@code max} kept (the oldest dropped).
   */
  public static List<NotificationRecord> merge(
      List<NotificationRecord> records, NotificationRecord record, int max) {
    List<NotificationRecord> out = new ArrayList<>();
    out.add(record);
    if (records != null) {
      for (NotificationRecord r : records) {
        if (r != null
            && !(Objects.equals(r.getChannel(), record.getChannel())
                && Objects.equals(r.getKey(), record.getKey()))) {
          out.add(r);
        }
      }
    }
    return out.size() > max ? new ArrayList<>(out.subList(0, max)) : out;
  }

  private static Optional<NotificationRecord> newest(List<NotificationRecord> records) {
    NotificationRecord best = null;
    for (NotificationRecord r : records) {
      if (best == null || sentAt(r).isAfter(sentAt(best))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A record without a readable time counts as long ago. */
  private static boolean olderThan(NotificationRecord r, Instant now, Duration age) {
    return !sentAt(r).plus(age).isAfter(now);
  }

  static Instant sentAt(NotificationRecord r) {
    return NotificationDerivation.time(r.getSentAt()).orElse(Instant.EPOCH);
  }
}
