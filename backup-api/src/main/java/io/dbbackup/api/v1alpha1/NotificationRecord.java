package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One happening sent (or given up on) to one channel; the key makes a resend detectable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationRecord {
  @JsonPropertyDescription("The happening's key, e.g. BackupFailed/<run id>.")
  private String key;

  @JsonPropertyDescription("The channel's name.")
  private String channel;

  @JsonPropertyDescription("The event.")
  private NotificationEvent event;

  @JsonPropertyDescription("When it was sent, or last tried (RFC 3339).")
  private String sentAt;

  @JsonPropertyDescription("Sent or Failed.")
  private String result;

  public NotificationRecord() {}

  public NotificationRecord(
      String key, String channel, NotificationEvent event, String sentAt, String result) {
    this.key = key;
    this.channel = channel;
    this.event = event;
    this.sentAt = sentAt;
    this.result = result;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getChannel() {
    return channel;
  }

  public void setChannel(String channel) {
    this.channel = channel;
  }

  public NotificationEvent getEvent() {
    return event;
  }

  public void setEvent(NotificationEvent event) {
    this.event = event;
  }

  public String getSentAt() {
    return sentAt;
  }

  public void setSentAt(String sentAt) {
    this.sentAt = sentAt;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }
}
