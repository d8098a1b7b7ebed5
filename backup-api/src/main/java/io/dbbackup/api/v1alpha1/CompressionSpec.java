package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Compression of the dump stream. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.level) || (self.algorithm == 'gzip' && self.level <= 9)"
            + " || (self.algorithm == 'zstd' && self.level <= 19) || self.algorithm == 'none'",
    message = "compression.level must be 1-9 for gzip and 1-19 for zstd")
public class CompressionSpec {
  @Default("gzip")
  @JsonPropertyDescription("gzip (default), zstd or none.")
  private CompressionAlgorithm algorithm = CompressionAlgorithm.GZIP;

  @Min(1)
  @Max(19)
  @JsonPropertyDescription("Level: gzip 1-9 (default 6), zstd 1-19 (default 3).")
  private Integer level;

  public CompressionSpec() {}

  public CompressionSpec(CompressionAlgorithm algorithm, Integer level) {
    this.algorithm = algorithm;
    this.level = level;
  }

  public CompressionAlgorithm getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(CompressionAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  public Integer getLevel() {
    return level;
  }

  public void setLevel(Integer level) {
    this.level = level;
  }
}
