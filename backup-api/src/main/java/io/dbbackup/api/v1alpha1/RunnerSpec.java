package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The runner pod. Defaults: memory limit 1Gi, cpu limit 500m (BATCH-101 section 8). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunnerSpec {
  @JsonPropertyDescription("Runner image; empty: the operator's own runner image.")
  private String image;

  @JsonPropertyDescription("Resources of the runner container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription(
      "With verification.mode restore: the size limit of the scratch emptyDir the throwaway"
          + " PostgreSQL restores into (e.g. 20Gi); empty: 5x the last backup's stored size plus"
          + " 256Mi, rounded up to a power of two GiB, or no limit before the first backup.")
  private io.fabric8.kubernetes.api.model.Quantity scratchSizeLimit;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public io.fabric8.kubernetes.api.model.Quantity getScratchSizeLimit() {
    return scratchSizeLimit;
  }

  public void setScratchSizeLimit(io.fabric8.kubernetes.api.model.Quantity scratchSizeLimit) {
    this.scratchSizeLimit = scratchSizeLimit;
  }
}
