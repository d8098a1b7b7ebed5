package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** BATCH-101: DB connection errors are retried 3 times, 10 minutes apart, backing off. */
public class ConnectRetrySpec {
  @Default("3")
  @Min(1)
  @Max(20)
  @JsonPropertyDescription("Connection attempts before the run fails as unreachable.")
  private int attempts = 3;

  @Default("600")
  @Min(1)
  @Max(86400)
  @JsonPropertyDescription("Wait before the second attempt; each further wait doubles.")
  private int initialIntervalSeconds = 600;

  public ConnectRetrySpec() {}

  public ConnectRetrySpec(int attempts, int initialIntervalSeconds) {
    this.attempts = attempts;
    this.initialIntervalSeconds = initialIntervalSeconds;
  }

  public int getAttempts() {
    return attempts;
  }

  public void setAttempts(int attempts) {
    this.attempts = attempts;
  }

  public int getInitialIntervalSeconds() {
    return initialIntervalSeconds;
  }

  public void setInitialIntervalSeconds(int initialIntervalSeconds) {
    this.initialIntervalSeconds = initialIntervalSeconds;
  }
}
