package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A daily start window in the resource's time zone; end before start wraps past midnight. */
public class WindowSpec {
  public static final String TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

  @Required
  @Pattern(TIME_PATTERN)
  @JsonPropertyDescription("Earliest start time, HH:MM (24-hour).")
  private String start;

  @Required
  @Pattern(TIME_PATTERN)
  @JsonPropertyDescription("Latest start time, HH:MM (24-hour); before start means the next day.")
  private String end;

  public WindowSpec() {}

  public WindowSpec(String start, String end) {
    this.start = start;
    this.end = end;
  }

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getEnd() {
    return end;
  }

  public void setEnd(String end) {
    this.end = end;
  }
}
