package io.dbbackup.controller.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.NotificationRecord;
import io.dbbackup.api.v1alpha1.NotificationsSpec;
import io.dbbackup.api.v1alpha1.PagerDutyChannelSpec;
import io.dbbackup.api.v1alpha1.WebhookChannelSpec;
import io.dbbackup.notify.Notification;
import io.dbbackup.notify.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One send per happening, repeats of lasting conditions, retries of refused deliveries. */
class DeliveryPlanTest {
  static final Instant NOW = Instant.parse("2026-11-24T02:00:00Z");
  static final Duration REPEAT = Duration.ofMinutes(60);
  static final Duration RETRY = Duration.ofMinutes(5);

  static ChannelTarget webhook(String name, NotificationEvent... events) {
    NotificationChannelSpec c = new NotificationChannelSpec();
    c.setName(name);
    c.setEvents(new ArrayList<>(List.of(events)));
    c.setWebhook(new WebhookChannelSpec());
    return new ChannelTarget(name, c, "shop");
  }

  static Happening happening(NotificationEvent event, String key, boolean persists) {
    return new Happening(
        new Notification(key, event, Severity.CRITICAL, NOW, null, null, "s", Map.of()), persists);
  }

  static NotificationRecord rec(
      String key, String channel, NotificationEvent e, Instant at, String r) {
    return new NotificationRecord(key, channel, e, at.toString(), r);
  }

  @Test
  void aOneOffIsDueOnceAndAFailedOneAgainAfterTheRetryDelay() {
    ChannelTarget hook = webhook("hook");
    Happening failed = happening(NotificationEvent.BackupFailed, "BackupFailed/r1", false);
    assertThat(DeliveryPlan.due(failed, hook, List.of(), NOW, REPEAT, RETRY)).isTrue();
    var sent = List.of(rec("BackupFailed/r1", "hook", NotificationEvent.BackupFailed, NOW, "Sent"));
    assertThat(DeliveryPlan.due(failed, hook, sent, NOW.plus(Duration.ofDays(30)), REPEAT, RETRY))
        .isFalse();
    // Another channel's record does not count for this one.
    assertThat(DeliveryPlan.due(failed, webhook("other"), sent, NOW, REPEAT, RETRY)).isTrue();
    var refused =
        List.of(rec("BackupFailed/r1", "hook", NotificationEvent.BackupFailed, NOW, "Failed"));
    assertThat(
            DeliveryPlan.due(failed, hook, refused, NOW.plus(RETRY).minusSeconds(1), REPEAT, RETRY))
        .isFalse();
    assertThat(DeliveryPlan.due(failed, hook, refused, NOW.plus(RETRY), REPEAT, RETRY)).isTrue();
  }

  @Test
  void aLastingConditionIsSentAgainAtMostEveryRepeat() {
    ChannelTarget hook = webhook("hook");
    Happening stale = happening(NotificationEvent.BackupStale, "BackupStale/r1", true);
    var sent = List.of(rec("BackupStale/r1", "hook", NotificationEvent.BackupStale, NOW, "Sent"));
    assertThat(DeliveryPlan.due(stale, hook, sent, NOW.plus(REPEAT).minusSeconds(1), REPEAT, RETRY))
        .isFalse();
    assertThat(DeliveryPlan.due(stale, hook, sent, NOW.plus(REPEAT), REPEAT, RETRY)).isTrue();
    // A new key of the same event is held back within the repeat too.
    Happening capacity = happening(NotificationEvent.CapacityLow, "CapacityLow/r2", true);
    var full = List.of(rec("CapacityLow/r1", "hook", NotificationEvent.CapacityLow, NOW, "Sent"));
    assertThat(DeliveryPlan.due(capacity, hook, full, NOW.plusSeconds(60), REPEAT, RETRY))
        .isFalse();
  }

  @Test
  void aChannelGetsOnlyItsEventsAndPagerDutyTheRecoveryThatResolves() {
    Happening ok = happening(NotificationEvent.BackupSucceeded, "BackupSucceeded/r1", false);
    assertThat(DeliveryPlan.due(ok, webhook("all"), List.of(), NOW, REPEAT, RETRY)).isFalse();
    assertThat(
            DeliveryPlan.due(
                ok,
                webhook("ok", NotificationEvent.BackupSucceeded),
                List.of(),
                NOW,
                REPEAT,
                RETRY))
        .isTrue();
    Happening recovered = happening(NotificationEvent.BackupRecovered, "BackupRecovered/r1", false);
    NotificationChannelSpec pd = new NotificationChannelSpec();
    pd.setName("oncall");
    pd.setEvents(new ArrayList<>(List.of(NotificationEvent.BackupFailed)));
    pd.setPagerDuty(new PagerDutyChannelSpec());
    assertThat(
            DeliveryPlan.due(
                recovered, new ChannelTarget("oncall", pd, "shop"), List.of(), NOW, REPEAT, RETRY))
        .isTrue();
    assertThat(
            DeliveryPlan.due(
                recovered,
                webhook("hook", NotificationEvent.BackupFailed),
                List.of(),
                NOW,
                REPEAT,
                RETRY))
        .isFalse();
  }

  @Test
  void mergeReplacesTheSameKeyAndKeepsTheNewestWithinTheBound() {
    List<NotificationRecord> list = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      list =
          DeliveryPlan.merge(
              list, rec("k" + i, "hook", NotificationEvent.BackupFailed, NOW, "Failed"), 3);
    }
    assertThat(list).extracting(NotificationRecord::getKey).containsExactly("k4", "k3", "k2");
    list =
        DeliveryPlan.merge(list, rec("k3", "hook", NotificationEvent.BackupFailed, NOW, "Sent"), 3);
    assertThat(list).extracting(NotificationRecord::getKey).containsExactly("k3", "k4", "k2");
    assertThat(list.getFirst().getResult()).isEqualTo("Sent");
  }

  @Test
  void defaultsComeAfterTheResourcesOwnUnlessSwitchedOffAndAreNamedApart() {
    NotificationsSpec spec = new NotificationsSpec();
    spec.setChannels(List.of(webhook("oncall").spec()));
    List<NotificationChannelSpec> defaults = List.of(webhook("oncall").spec());
    assertThat(ChannelTarget.of(spec, "shop", defaults, "dbbackup-system"))
        .extracting(t -> t.name() + "@" + t.secretNamespace())
        .containsExactly("oncall@shop", "defaults/oncall@dbbackup-system");
    spec.setUseDefaults(false);
    assertThat(ChannelTarget.of(spec, "shop", defaults, "dbbackup-system"))
        .extracting(ChannelTarget::name)
        .containsExactly("oncall");
    assertThat(ChannelTarget.of(null, "shop", defaults, "ops"))
        .extracting(ChannelTarget::name)
        .containsExactly("defaults/oncall");
  }
}
