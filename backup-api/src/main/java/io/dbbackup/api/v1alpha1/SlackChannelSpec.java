package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Slack incoming webhook. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlackChannelSpec {
  @Required
  @JsonPropertyDescription("The Secret key holding the incoming webhook URL.")
  private SecretKeyRef webhookUrlSecretRef;

  public SlackChannelSpec() {}

  public SlackChannelSpec(SecretKeyRef webhookUrlSecretRef) {
    this.webhookUrlSecretRef = webhookUrlSecretRef;
  }

  public SecretKeyRef getWebhookUrlSecretRef() {
    return webhookUrlSecretRef;
  }

  public void setWebhookUrlSecretRef(SecretKeyRef webhookUrlSecretRef) {
    this.webhookUrlSecretRef = webhookUrlSecretRef;
  }
}
