package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Where run history (TBL-039), settings (TBL-040) and the audit chain are kept. */
public class HistorySpec {
  @Default("true")
  @JsonPropertyDescription("Record runs in SQL tables on the backed-up server.")
  private boolean enabled = true;

  @Default("postgres")
  @JsonPropertyDescription("Database holding the history schema; also where the run lock is taken.")
  private String database = "postgres";

  @Default("dbbackup")
  @Pattern("^[a-z_][a-z0-9_]{0,62}$")
  @JsonPropertyDescription("Schema of the history tables.")
  private String schema = "dbbackup";

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public String getSchema() {
    return schema;
  }

  public void setSchema(String schema) {
    this.schema = schema;
  }
}
