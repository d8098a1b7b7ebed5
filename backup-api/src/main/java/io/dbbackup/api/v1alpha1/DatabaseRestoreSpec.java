package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Which backup to restore, where to, and what may be overwritten. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self == oldSelf",
    message = "a DatabaseRestore runs once: its spec cannot change; create a new one instead")
public class DatabaseRestoreSpec {
  @Required
  @JsonPropertyDescription("The DatabaseBackup whose storage and naming to read.")
  private LocalObjectRef backupRef;

  @Default("latest")
  @JsonPropertyDescription("latest, or an id from status.recentBackups / `backup-runner list`.")
  private String backupId = "latest";

  @Required
  @JsonPropertyDescription("The PostgreSQL server to restore into.")
  private RestoreTargetSpec target;

  @JsonPropertyDescription("Databases to restore; empty: everything in the dump.")
  private List<String> databases = new ArrayList<>();

  @JsonPropertyDescription("Key or passphrase to decrypt an encrypted backup.")
  private DecryptionSpec decryption;

  @Default("false")
  @JsonPropertyDescription("Restore into a target that already holds data; refused unless true.")
  private boolean overwrite;

  public LocalObjectRef getBackupRef() {
    return backupRef;
  }

  public void setBackupRef(LocalObjectRef backupRef) {
    this.backupRef = backupRef;
  }

  public String getBackupId() {
    return backupId;
  }

  public void setBackupId(String backupId) {
    this.backupId = backupId;
  }

  public RestoreTargetSpec getTarget() {
    return target;
  }

  public void setTarget(RestoreTargetSpec target) {
    this.target = target;
  }

  public List<String> getDatabases() {
    return databases;
  }

  public void setDatabases(List<String> databases) {
    this.databases = databases;
  }

  public DecryptionSpec getDecryption() {
    return decryption;
  }

  public void setDecryption(DecryptionSpec decryption) {
    this.decryption = decryption;
  }

  public boolean isOverwrite() {
    return overwrite;
  }

  public void setOverwrite(boolean overwrite) {
    this.overwrite = overwrite;
  }
}
