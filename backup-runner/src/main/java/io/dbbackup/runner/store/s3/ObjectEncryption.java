package io.dbbackup.runner.store.s3;

import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The server-side encryption every object is written with (spec.storage.s3.serverSideEncryption and
 * kmsKeyId): none, SSE-S3 ({@code AES256}) or SSE-KMS ({@code aws:kms}) with the bucket's default
 * key or a named one. Parts of a multipart upload inherit it from the upload.
 *
 * @param algorithm null (none), AES256 or AWS_KMS
 * @param kmsKeyId empty (the default aws/s3 key), or a key id, key ARN or alias, with aws:kms
 */
public record ObjectEncryption(ServerSideEncryption algorithm, String kmsKeyId) {
  public static final ObjectEncryption NONE = new ObjectEncryption((ServerSideEncryption) null, "");

  public ObjectEncryption {
    kmsKeyId = kmsKeyId == null ? "" : kmsKeyId.trim();
  }

  /** The encryption as the resource spells it: {@code algorithm} empty, AES256 or aws:kms. */
  public ObjectEncryption(String algorithm, String kmsKeyId) {
    this(parse(algorithm), kmsKeyId);
  }

  private static ServerSideEncryption parse(String value) {
    String v = value == null ? "" : value.trim();
    return switch (v) {
      case "" -> null;
      case "AES256" -> ServerSideEncryption.AES256;
      case "aws:kms" -> ServerSideEncryption.AWS_KMS;
      default ->
          throw new IllegalArgumentException(
              "spec.storage.s3.serverSideEncryption: expected empty, AES256 or aws:kms, got \""
                  + value
                  + "\"");
    };
  }

  /**
   * Sets the encryption on a request through its builder's setters (PutObject and
   * CreateMultipartUpload have the same two, on unrelated builder types).
   */
  void apply(Consumer<ServerSideEncryption> algorithmSetter, Consumer<String> kmsKeySetter) {
    if (algorithm != null) {
      algorithmSetter.accept(algorithm);
    }
    if (!kmsKeyId.isEmpty()) {
      kmsKeySetter.accept(kmsKeyId);
    }
  }
}
