package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** One place notifications go: exactly one of email, slack, pagerDuty, webhook. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.email) ? 1 : 0) + (has(self.slack) ? 1 : 0) + (has(self.pagerDuty) ? 1 : 0)"
            + " + (has(self.webhook) ? 1 : 0) == 1",
    message = "channel: set exactly one of email, slack, pagerDuty or webhook")
public class NotificationChannelSpec {

  @Required
  @Size(max = 63) // a bound the API server's CEL cost estimate needs for the uniqueness rule
  @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
  @JsonPropertyDescription("Unique in the list; named in Events and metrics.")
  private String name;

  @JsonPropertyDescription(
      "Events sent to this channel. Default: every event except BackupSucceeded and"
          + " RestoreSucceeded.")
  private List<NotificationEvent> events = new ArrayList<>();

  @JsonPropertyDescription("E-mail over SMTP.")
  private EmailChannelSpec email;

  @JsonPropertyDescription("Slack incoming webhook.")
  private SlackChannelSpec slack;

  @JsonPropertyDescription("PagerDuty Events API v2.")
  private PagerDutyChannelSpec pagerDuty;

  @JsonPropertyDescription("Generic webhook (JSON POST).")
  private WebhookChannelSpec webhook;

  /** The events this channel receives, its defaults applied. */
  @JsonIgnore
  public Set<NotificationEvent> effectiveEvents() {
    return events == null || events.isEmpty()
        ? NotificationEvent.defaults()
        : EnumSet.copyOf(events);
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<NotificationEvent> getEvents() {
    return events;
  }

  public void setEvents(List<NotificationEvent> events) {
    this.events = events;
  }

  public EmailChannelSpec getEmail() {
    return email;
  }

  public void setEmail(EmailChannelSpec email) {
    this.email = email;
  }

  public SlackChannelSpec getSlack() {
    return slack;
  }

  public void setSlack(SlackChannelSpec slack) {
    this.slack = slack;
  }

  public PagerDutyChannelSpec getPagerDuty() {
    return pagerDuty;
  }

  public void setPagerDuty(PagerDutyChannelSpec pagerDuty) {
    this.pagerDuty = pagerDuty;
  }

  public WebhookChannelSpec getWebhook() {
    return webhook;
  }

  public void setWebhook(WebhookChannelSpec webhook) {
    this.webhook = webhook;
  }
}
