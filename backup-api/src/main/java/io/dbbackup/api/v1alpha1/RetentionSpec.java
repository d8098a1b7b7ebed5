package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How long backups are kept; the newest {@code minKeep} good ones are never deleted. */
public class RetentionSpec {
  @Default("30")
  @Min(1)
  @Max(36500)
  @JsonPropertyDescription("Delete backups older than this many days (after a good run only).")
  private int days = 30;

  @Default("1")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Never delete the newest this-many good backups, however old.")
  private int minKeep = 1;

  public RetentionSpec() {}

  public RetentionSpec(int days, int minKeep) {
    this.days = days;
    this.minKeep = minKeep;
  }

  public int getDays() {
    return days;
  }

  public void setDays(int days) {
    this.days = days;
  }

  public int getMinKeep() {
    return minKeep;
  }

  public void setMinKeep(int minKeep) {
    this.minKeep = minKeep;
  }
}
