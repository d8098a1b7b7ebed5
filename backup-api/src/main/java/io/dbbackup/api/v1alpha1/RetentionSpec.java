package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How long backups are kept; the newest {@code minKeep} good ones are never deleted. The optional
 * grandfather-father-son rules ({@code keepDaily}, {@code keepWeekly}, {@code keepMonthly}, {@code
 * keepYearly}; 0 or absent: off) each keep the newest good backup of each of the newest N calendar
 * days, ISO weeks, months or years (in spec.timeZone) that have a good backup, in addition to
 * {@code days} and {@code minKeep}: a backup is deleted only when no rule keeps it.
 */
public class RetentionSpec {
  /** Upper bounds of the GFS rules: ten years of days and weeks, a hundred of months and years. */
  public static final int MAX_DAILY = 3660;

  public static final int MAX_WEEKLY = 520;
  public static final int MAX_MONTHLY = 1200;
  public static final int MAX_YEARLY = 100;

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

  @Min(0)
  @Max(MAX_DAILY)
  @JsonPropertyDescription(
      "Also keep the newest good backup of each of the newest this-many days that have one (in"
          + " spec.timeZone); 0 or absent: off.")
  private Integer keepDaily;

  @Min(0)
  @Max(MAX_WEEKLY)
  @JsonPropertyDescription(
      "Also keep the newest good backup of each of the newest this-many ISO weeks (Monday to"
          + " Sunday in spec.timeZone) that have one; 0 or absent: off.")
  private Integer keepWeekly;

  @Min(0)
  @Max(MAX_MONTHLY)
  @JsonPropertyDescription(
      "Also keep the newest good backup of each of the newest this-many calendar months that"
          + " have one (in spec.timeZone); 0 or absent: off.")
  private Integer keepMonthly;

  @Min(0)
  @Max(MAX_YEARLY)
  @JsonPropertyDescription(
      "Also keep the newest good backup of each of the newest this-many calendar years that"
          + " have one (in spec.timeZone); 0 or absent: off.")
  private Integer keepYearly;

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

  public Integer getKeepDaily() {
    return keepDaily;
  }

  public void setKeepDaily(Integer keepDaily) {
    this.keepDaily = keepDaily;
  }

  public Integer getKeepWeekly() {
    return keepWeekly;
  }

  public void setKeepWeekly(Integer keepWeekly) {
    this.keepWeekly = keepWeekly;
  }

  public Integer getKeepMonthly() {
    return keepMonthly;
  }

  public void setKeepMonthly(Integer keepMonthly) {
    this.keepMonthly = keepMonthly;
  }

  public Integer getKeepYearly() {
    return keepYearly;
  }

  public void setKeepYearly(Integer keepYearly) {
    this.keepYearly = keepYearly;
  }
}
