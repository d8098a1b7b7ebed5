package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Incremental backups: the key that names chunks (HMAC-SHA256 of their plain bytes). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IncrementalSpec {
  /** The least number of bytes the chunk key file must hold. */
  public static final int MIN_KEY_BYTES = 32;

  @Required
  @JsonPropertyDescription(
      "Secret key holding at least 32 bytes of random data: chunks are named by HMAC-SHA256 of"
          + " their plain bytes under it, so names reveal nothing about the data. Keep it: a"
          + " new key stores every chunk anew.")
  private SecretKeyRef chunkKeySecretRef;

  public SecretKeyRef getChunkKeySecretRef() {
    return chunkKeySecretRef;
  }

  public void setChunkKeySecretRef(SecretKeyRef chunkKeySecretRef) {
    this.chunkKeySecretRef = chunkKeySecretRef;
  }
}
