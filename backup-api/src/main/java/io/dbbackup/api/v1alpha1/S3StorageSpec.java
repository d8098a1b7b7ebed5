package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An S3 bucket (AWS or an S3-compatible store). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.kmsKeyId) || self.kmsKeyId == ''"
            + " || (has(self.serverSideEncryption) && self.serverSideEncryption == 'aws:kms')",
    message = "s3.kmsKeyId goes with serverSideEncryption aws:kms")
public class S3StorageSpec {
  @Required
  @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
  @JsonPropertyDescription("Bucket name.")
  private String bucket;

  @Pattern("^([^/\\x00-\\x1f\\x7f]([^\\x00-\\x1f\\x7f]*[^/\\x00-\\x1f\\x7f])?)?$")
  @JsonPropertyDescription(
      "Key prefix inside the bucket, without leading or trailing slash or control characters.")
  private String prefix = "";

  @JsonPropertyDescription("Region, e.g. eu-west-1; S3-compatible stores often take any value.")
  private String region;

  @JsonPropertyDescription("Endpoint URL for S3-compatible stores; empty: AWS.")
  private String endpoint = "";

  @Default("false")
  @JsonPropertyDescription("Path-style addressing (bucket in the path), for S3-compatible stores.")
  private boolean forcePathStyle;

  @JsonPropertyDescription(
      "Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and optionally AWS_SESSION_TOKEN);"
          + " absent: the SDK's default chain (IRSA, instance roles).")
  private SecretRef credentialsSecretRef;

  @Pattern("^(|AES256|aws:kms)$")
  @JsonPropertyDescription("Server-side encryption: empty, AES256 or aws:kms.")
  private String serverSideEncryption = "";

  @JsonPropertyDescription(
      "With serverSideEncryption aws:kms: the KMS key (key id, key ARN, alias name or alias ARN)"
          + " that encrypts the objects; empty: the bucket's default key for S3 (aws/s3).")
  private String kmsKeyId = "";

  @Default("when_supported")
  @Pattern("^(when_supported|when_required)$")
  @JsonPropertyDescription(
      "When the SDK sends and checks CRC32 checksums: when_supported (every upload and download)"
          + " or when_required (only where the API demands one), for S3-compatible stores that"
          + " reject the newer checksum headers.")
  private String checksumMode = "when_supported";

  @Default("auto")
  @Pattern("^(auto|required|off)$")
  @JsonPropertyDescription(
      "Create-only writes with If-None-Match: *. auto: use them, and fall back to check-then-write"
          + " when the store does not support them; required: fail instead; off: never send"
          + " them.")
  private String conditionalWrites = "auto";

  @Default("16")
  @Min(5)
  @Max(5120)
  @JsonPropertyDescription(
      "Size of the parts of a multipart upload, in MiB (5-5120; the runner sends at most 2047"
          + " MiB per part). Every part but the last has the same size (Cloudflare R2 requires"
          + " it); when maxParts parts of this size cannot hold 4x the databases' size plus 1 GiB,"
          + " the runner uses the smallest size that can. Parts that do not fit in the runner's upload memory wait in scratch files under /tmp, at"
          + " most 4 at once; the runner checks that space before it dumps.")
  private int partSizeMiB = 16;

  @Default("10000")
  @Min(10)
  @Max(10000)
  @JsonPropertyDescription(
      "Most parts in one multipart upload: 10000 on AWS; lower for stores that allow fewer.")
  private int maxParts = 10000;

  public String getBucket() {
    return bucket;
  }

  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public boolean isForcePathStyle() {
    return forcePathStyle;
  }

  public void setForcePathStyle(boolean forcePathStyle) {
    this.forcePathStyle = forcePathStyle;
  }

  public SecretRef getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(SecretRef credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
  }

  public String getKmsKeyId() {
    return kmsKeyId;
  }

  public void setKmsKeyId(String kmsKeyId) {
    this.kmsKeyId = kmsKeyId;
  }

  public String getServerSideEncryption() {
    return serverSideEncryption;
  }

  public void setServerSideEncryption(String serverSideEncryption) {
    this.serverSideEncryption = serverSideEncryption;
  }

  public String getChecksumMode() {
    return checksumMode;
  }

  public void setChecksumMode(String checksumMode) {
    this.checksumMode = checksumMode;
  }

  public String getConditionalWrites() {
    return conditionalWrites;
  }

  public void setConditionalWrites(String conditionalWrites) {
    this.conditionalWrites = conditionalWrites;
  }

  public int getPartSizeMiB() {
    return partSizeMiB;
  }

  public void setPartSizeMiB(int partSizeMiB) {
    this.partSizeMiB = partSizeMiB;
  }

  public int getMaxParts() {
    return maxParts;
  }

  public void setMaxParts(int maxParts) {
    this.maxParts = maxParts;
  }
}
