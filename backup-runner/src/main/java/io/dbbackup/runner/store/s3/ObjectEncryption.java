package io.dbbackup.runner.store.s3;

import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
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

  void apply(PutObjectRequest.Builder request) {
    if (!algorithm.isEmpty()) {
      request.serverSideEncryption(ServerSideEncryption.fromValue(algorithm));
    }
    if (!kmsKeyId.isEmpty()) {
      request.ssekmsKeyId(kmsKeyId);
    }
  }

  void apply(CreateMultipartUploadRequest.Builder request) {
    if (!algorithm.isEmpty()) {
      request.serverSideEncryption(ServerSideEncryption.fromValue(algorithm));
    }
    if (!kmsKeyId.isEmpty()) {
      request.ssekmsKeyId(kmsKeyId);
    }
  }
}
