package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an SMTP connection is protected. */
public enum EmailSecurity {
  @JsonProperty("starttls")
  STARTTLS,
  @JsonProperty("tls")
  TLS,
  @JsonProperty("none")
  NONE
}
