package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** PagerDuty Events API v2: trigger on a problem, resolve on recovery. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PagerDutyChannelSpec {
  @Required
  @JsonPropertyDescription("The Secret key holding the integration's routing key.")
  private SecretKeyRef routingKeySecretRef;

  public PagerDutyChannelSpec() {}

  public PagerDutyChannelSpec(SecretKeyRef routingKeySecretRef) {
    this.routingKeySecretRef = routingKeySecretRef;
  }

  public SecretKeyRef getRoutingKeySecretRef() {
    return routingKeySecretRef;
  }

  public void setRoutingKeySecretRef(SecretKeyRef routingKeySecretRef) {
    this.routingKeySecretRef = routingKeySecretRef;
  }
}
