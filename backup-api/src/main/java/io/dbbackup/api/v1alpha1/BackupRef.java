package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A pointer to a good backup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRef {
  private String id;
  private String completionTime;
  private String location;

  public BackupRef() {}

  public BackupRef(String id, String completionTime, String location) {
    this.id = id;
    this.completionTime = completionTime;
    this.location = location;
  }

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }
}
