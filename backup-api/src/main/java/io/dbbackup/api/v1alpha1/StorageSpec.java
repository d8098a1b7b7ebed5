package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where backups go: exactly one of a volume or an S3 bucket. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.volume) != has(self.s3)",
    message = "storage: set exactly one of volume or s3")
public class StorageSpec {
  @JsonPropertyDescription("A PersistentVolumeClaim (in the cluster) or a directory (locally).")
  private VolumeStorageSpec volume;

  @JsonPropertyDescription("An S3 bucket or S3-compatible object store.")
  private S3StorageSpec s3;

  public VolumeStorageSpec getVolume() {
    return volume;
  }

  public void setVolume(VolumeStorageSpec volume) {
    this.volume = volume;
  }

  public S3StorageSpec getS3() {
    return s3;
  }

  public void setS3(S3StorageSpec s3) {
    this.s3 = s3;
  }
}
