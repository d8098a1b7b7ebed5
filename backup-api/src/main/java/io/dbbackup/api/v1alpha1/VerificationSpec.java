package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** How a backup is verified after it is written. */
public class VerificationSpec {
  /** Verification depth. */
  public enum Mode {
    /** Read back, checksum, decompress, check the dump is complete. */
    @JsonProperty("checksum")
    CHECKSUM,
    /** All of checksum, then restore into a throwaway PostgreSQL. */
    @JsonProperty("restore")
    RESTORE
  }

  @Default("checksum")
  @JsonPropertyDescription(
      "checksum: read back, re-hash, decompress and check the dump is complete; restore: also"
          + " restore it into a throwaway PostgreSQL.")
  private Mode mode = Mode.CHECKSUM;

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }
}
