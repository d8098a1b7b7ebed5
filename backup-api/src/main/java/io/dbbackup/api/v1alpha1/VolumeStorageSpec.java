package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** A directory: in the cluster the claim mounted at {@code path}; locally the directory itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeStorageSpec {
  public static final String DEFAULT_PATH = "/backup/database";

  @Pattern(SecretRef.NAME_PATTERN)
  @JsonPropertyDescription("PersistentVolumeClaim to mount in the runner pod.")
  private String claimName;

  @Default(DEFAULT_PATH)
  @Pattern("^/.*")
  @JsonPropertyDescription("Absolute path the claim is mounted at; locally, the target directory.")
  private String path = DEFAULT_PATH;

  public VolumeStorageSpec() {}

  public VolumeStorageSpec(String claimName, String path) {
    this.claimName = claimName;
    this.path = path;
  }

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }
}
