package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** libpq's sslmode values. */
public enum SslMode {
  @JsonProperty("disable")
  DISABLE,
  @JsonProperty("allow")
  ALLOW,
  @JsonProperty("prefer")
  PREFER,
  @JsonProperty("require")
  REQUIRE,
  @JsonProperty("verify-ca")
  VERIFY_CA,
  @JsonProperty("verify-full")
  VERIFY_FULL;

  /** The value libpq and pgjdbc take. */
  public String libpqName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
