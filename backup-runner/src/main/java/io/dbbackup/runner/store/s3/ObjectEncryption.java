package io.dbbackup.runner.store.s3;

import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The server-side encryption every object is written with (spec.storage.s3.serverSideEncryption and
 * kmsKeyId): none, SSE-S3 ({@code AES256}) or SSE-KMS ({@code aws:kms}) with the bucket's default
 * key or a named one. Parts of a multipart upload inherit it from the upload.
 *
 * @param algorithm empty, AES256 or aws:kms
 * @param kmsKeyId empty (the default aws/s3 key), or a key id, key ARN or alias, with aws:kms
 */
public record ObjectEncryption(String algorithm, String kmsKeyId) {
  public static final ObjectEncryption NONE = new ObjectEncryption("", "");

  public ObjectEncryption {
    algorithm = algorithm == null ? "" : algorithm.trim();
    kmsKeyId = kmsKeyId == null ? "" : kmsKeyId.trim();
  }

  /**
   * Sets the encryption on a request through its builder's setters (PutObject and
   * CreateMultipartUpload have the same two, on unrelated builder types).
   */
  void apply(Consumer<ServerSideEncryption> algorithmSetter, Consumer<String> kmsKeySetter) {
    if (!algorithm.isEmpty()) {
      algorithmSetter.accept(ServerSideEncryption.fromValue(algorithm));
    }
    if (!kmsKeyId.isEmpty()) {
      kmsKeySetter.accept(kmsKeyId);
    }
  }
}
