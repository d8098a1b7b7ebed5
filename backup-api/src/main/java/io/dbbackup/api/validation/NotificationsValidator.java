package io.dbbackup.api.validation;

import io.dbbackup.api.v1alpha1.EmailChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.NotificationEvent;
import io.dbbackup.api.v1alpha1.NotificationSecrets;
import io.dbbackup.api.v1alpha1.NotificationsSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks notification channels beyond their schema, for a DatabaseBackup's {@code
 * spec.notifications} and for the chart's default channels alike; every message names its field.
 */
public final class NotificationsValidator {
  /**
   * A plain address {@code local@domain}: no display name, no spaces, quotes, brackets or line
   * breaks (which would end up in a mail header), a domain of DNS labels.
   */
  private static final Pattern ADDRESS =
      Pattern.compile(
          "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
              + "@[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$");

  private static final int ADDRESS_MAX = 254;

  private NotificationsValidator() {}

  /** The violations of a DatabaseBackup's {@code spec.notifications} (null: none). */
  public static List<Violation> validate(NotificationsSpec notifications) {
    List<Violation> out = new ArrayList<>();
    if (notifications == null) {
      return out;
    }
    int repeat = notifications.getRepeatMinutes();
    if (repeat < NotificationsSpec.MIN_REPEAT_MINUTES
        || repeat > NotificationsSpec.MAX_REPEAT_MINUTES) {
      out.add(
          new Violation(
              "spec.notifications.repeatMinutes",
              "must be "
                  + NotificationsSpec.MIN_REPEAT_MINUTES
                  + "-"
                  + NotificationsSpec.MAX_REPEAT_MINUTES
                  + " (a year), got "
                  + repeat));
    }
    out.addAll(validateChannels(NotificationSecrets.SPEC_CHANNELS, notifications.getChannels()));
    return out;
  }

  /**
   * The violations of a list of channels whose field path is {@code channelsPath}, e.g. {@code
   * notifications.defaultChannels} for the chart's default channels.
   */
  public static List<Violation> validateChannels(
      String channelsPath, List<NotificationChannelSpec> channels) {
    List<Violation> out = new ArrayList<>();
    if (channels == null) {
      return out;
    }
    if (channels.size() > NotificationsSpec.MAX_CHANNELS) {
      out.add(
          new Violation(
              channelsPath,
              "at most " + NotificationsSpec.MAX_CHANNELS + " channels, got " + channels.size()));
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < channels.size(); i++) {
      String at = channelsPath + "[" + i + "]";
      NotificationChannelSpec channel = channels.get(i);
      if (channel == null) {
        out.add(new Violation(at, "must be a channel (name and one of email, slack, ...)"));
        continue;
      }
      name(out, at, channel.getName(), names, channelsPath, i);
      events(out, at, channel.getEvents());
      kind(out, at, channel);
    }
    for (NotificationSecrets.Entry e : NotificationSecrets.of(channelsPath, channels)) {
      KubernetesNames.secretKeyRef(out, e.fieldPath(), e.ref());
    }
    return out;
  }

  private static void name(
      List<Violation> out,
      String at,
      String name,
      Map<String, Integer> seen,
      String channelsPath,
      int index) {
    if (name == null || name.isBlank()) {
      out.add(
          new Violation(at + ".name", "must be set (a channel is named in Events and metrics)"));
      return;
    }
    KubernetesNames.add(out, at + ".name", KubernetesNames.dnsLabel(name));
    Integer first = seen.putIfAbsent(name, index);
    if (first != null) {
      out.add(
          new Violation(
              at + ".name",
              "\""
                  + name
                  + "\" is already the name of "
                  + channelsPath
                  + "["
                  + first
                  + "]; names must be unique"));
    }
  }

  private static void events(List<Violation> out, String at, List<NotificationEvent> events) {
    if (events == null) {
      return;
    }
    Set<NotificationEvent> distinct = EnumSet.noneOf(NotificationEvent.class);
    for (int j = 0; j < events.size(); j++) {
      NotificationEvent event = events.get(j);
      String field = at + ".events[" + j + "]";
      if (event == null) {
        out.add(new Violation(field, "must be one of " + List.of(NotificationEvent.values())));
      } else if (!distinct.add(event)) {
        out.add(new Violation(field, event + " is listed twice"));
      }
    }
  }

  private static void kind(List<Violation> out, String at, NotificationChannelSpec channel) {
    int kinds =
        (channel.getEmail() != null ? 1 : 0)
            + (channel.getSlack() != null ? 1 : 0)
            + (channel.getPagerDuty() != null ? 1 : 0)
            + (channel.getWebhook() != null ? 1 : 0);
    if (kinds != 1) {
      out.add(
          new Violation(at, "set exactly one of email, slack, pagerDuty or webhook, got " + kinds));
    }
    if (channel.getEmail() != null) {
      email(out, at + ".email", channel.getEmail());
    }
    if (channel.getSlack() != null && channel.getSlack().getWebhookUrlSecretRef() == null) {
      out.add(
          new Violation(
              at + ".slack.webhookUrlSecretRef",
              "must name the Secret key holding the incoming webhook URL"));
    }
    if (channel.getPagerDuty() != null && channel.getPagerDuty().getRoutingKeySecretRef() == null) {
      out.add(
          new Violation(
              at + ".pagerDuty.routingKeySecretRef",
              "must name the Secret key holding the integration's routing key"));
    }
    if (channel.getWebhook() != null && channel.getWebhook().getUrlSecretRef() == null) {
      out.add(
          new Violation(
              at + ".webhook.urlSecretRef", "must name the Secret key holding the URL to POST to"));
    }
  }

  private static void email(List<Violation> out, String at, EmailChannelSpec email) {
    if (email.getHost() == null || email.getHost().isBlank()) {
      out.add(new Violation(at + ".host", "must name the SMTP server"));
    } else if (!email.getHost().strip().equals(email.getHost())) {
      out.add(
          new Violation(
              at + ".host", "must be a host name without spaces, got \"" + email.getHost() + "\""));
    }
    if (email.getPort() < EmailChannelSpec.MIN_PORT
        || email.getPort() > EmailChannelSpec.MAX_PORT) {
      out.add(
          new Violation(
              at + ".port",
              "must be "
                  + EmailChannelSpec.MIN_PORT
                  + "-"
                  + EmailChannelSpec.MAX_PORT
                  + ", got "
                  + email.getPort()));
    }
    if ((email.getUsernameSecretRef() == null) != (email.getPasswordSecretRef() == null)) {
      out.add(
          new Violation(
              at,
              "set both usernameSecretRef and passwordSecretRef (SMTP authentication) or"
                  + " neither"));
    }
    address(out, at + ".from", email.getFrom());
    List<String> to = email.getTo();
    if (to == null || to.isEmpty()) {
      out.add(new Violation(at + ".to", "expected at least one address"));
      return;
    }
    for (int k = 0; k < to.size(); k++) {
      address(out, at + ".to[" + k + "]", to.get(k));
    }
  }

  private static void address(List<Violation> out, String field, String value) {
    if (value == null
        || value.length() > ADDRESS_MAX
        || !ADDRESS.matcher(value).matches()
        || value.substring(0, value.indexOf('@')).length() > 64) {
      out.add(
          new Violation(
              field,
              "expected an e-mail address like dba@example.com (no display name), got "
                  + KubernetesNames.quote(value)));
    }
  }
}
