package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A generic webhook: a JSON POST of the notification. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookChannelSpec {
  @Required
  @JsonPropertyDescription("The Secret key holding the URL to POST to.")
  private SecretKeyRef urlSecretRef;

  public WebhookChannelSpec() {}

  public WebhookChannelSpec(SecretKeyRef urlSecretRef) {
    this.urlSecretRef = urlSecretRef;
  }

  public SecretKeyRef getUrlSecretRef() {
    return urlSecretRef;
  }

  public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
    this.urlSecretRef = urlSecretRef;
  }

  @JsonPropertyDescription(
      "Optional Secret key holding an HMAC key: the request then carries X-Dbbackup-Signature:"
          + " sha256=<hex HMAC-SHA256 of the body>.")
  private SecretKeyRef signingKeySecretRef;

  public SecretKeyRef getSigningKeySecretRef() {
    return signingKeySecretRef;
  }

  public void setSigningKeySecretRef(SecretKeyRef signingKeySecretRef) {
    this.signingKeySecretRef = signingKeySecretRef;
  }
}
