package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** BATCH-101's backup_type. */
public enum BackupType {
  @JsonProperty("full")
  FULL,
  @JsonProperty("incremental")
  INCREMENTAL
}
