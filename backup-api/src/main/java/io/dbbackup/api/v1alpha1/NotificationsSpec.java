package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Who is told what, and how often a condition that persists is told again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationsSpec {
  public static final int DEFAULT_REPEAT_MINUTES = 1440;
  public static final int MIN_REPEAT_MINUTES = 1;
  public static final int MAX_REPEAT_MINUTES = 525600;

  /** At most this many channels: bounds the cost of the uniqueness rule (n² name comparisons). */
  public static final int MAX_CHANNELS = 32;

  @Size(max = MAX_CHANNELS)
  @ValidationRule(
      value = "self.all(c, self.exists_one(d, d.name == c.name))",
      message = "notifications.channels: each channel needs a name of its own")
  @JsonPropertyDescription("Where notifications go (at most 32 channels, names unique).")
  private List<NotificationChannelSpec> channels = new ArrayList<>();

  @Default("1440")
  @Min(MIN_REPEAT_MINUTES)
  @Max(MAX_REPEAT_MINUTES)
  @JsonPropertyDescription("A condition that persists is sent again at most this often (minutes).")
  private int repeatMinutes = DEFAULT_REPEAT_MINUTES;

  @Default("true")
  @JsonPropertyDescription("Also send to the chart's notifications.defaultChannels.")
  private boolean useDefaults = true;

  public List<NotificationChannelSpec> getChannels() {
    return channels;
  }

  public void setChannels(List<NotificationChannelSpec> channels) {
    this.channels = channels;
  }

  public int getRepeatMinutes() {
    return repeatMinutes;
  }

  public void setRepeatMinutes(int repeatMinutes) {
    this.repeatMinutes = repeatMinutes;
  }

  public boolean isUseDefaults() {
    return useDefaults;
  }

  public void setUseDefaults(boolean useDefaults) {
    this.useDefaults = useDefaults;
  }
}
