package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.List;

/** Who is told what, and how often a condition that persists is told again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationsSpec {
  public static final int DEFAULT_REPEAT_MINUTES = 1440;

  @JsonPropertyDescription("Where notifications go.")
  private List<NotificationChannelSpec> channels = new ArrayList<>();

  @Default("1440")
  @Min(1)
  @Max(525600)
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
