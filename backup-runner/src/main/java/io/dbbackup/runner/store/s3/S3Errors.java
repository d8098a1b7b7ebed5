package io.dbbackup.runner.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's unchecked exceptions into {@link IOException}s whose message says what failed and
 * what to check: a missing object is a {@link NoSuchFileException}, an existing one (a refused
 * create-only write) a {@link FileAlreadyExistsException}, everything else an {@link
 * S3StorageException}. Messages carry no secret: only the field names and the store's error code.
 */
final class S3Errors {
  private static final Set<String> BAD_CREDENTIALS =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "InvalidToken",
          "ExpiredToken",
          "TokenRefreshRequired",
          "InvalidClientTokenId",
          "AuthorizationHeaderMalformed");

  private final S3Settings settings;

  S3Errors(S3Settings settings) {
    this.settings = settings;
  }

  /** {@code action} is what was being done, e.g. "uploading"; {@code key} the object. */
  IOException translate(String action, String key, SdkException e) {
    String where = action + " " + url(key);
    if (e instanceof AbortedException) {
      return new InterruptedIOException(where + ": interrupted");
    }
    if (!(e instanceof AwsServiceException ase)) {
      return new S3StorageException(where + ": " + clientProblem(e), 0, null, e);
    }
    int status = ase.statusCode();
    String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
    if (status == 404 && ("NoSuchKey".equals(code) || code == null || "NotFound".equals(code))) {
      return new NoSuchFileException(url(key));
    }
    if (status == 412 || "PreconditionFailed".equals(code)) {
      return new FileAlreadyExistsException(
          url(key), null, "already exists (the store refused a create-only write)");
    }
    return new S3StorageException(
        where + ": " + serviceProblem(ase, status, code), status, code, e);
  }

  private String serviceProblem(AwsServiceException e, int status, String code) {
    String answer = "HTTP " + status + (code == null ? "" : " " + code);
    if (code != null && BAD_CREDENTIALS.contains(code)) {
      if ("AuthorizationHeaderMalformed".equals(code)) {
        return "the store refused the request signature ("
            + answer
            + "): check spec.storage.s3.region matches the bucket's region";
      }
      return "the store refused the credentials ("
          + answer
          + "): check "
          + settings.credentialsSource();
    }
    if ("AccessDenied".equals(code) || (status == 403 && code == null)) {
      return "access denied ("
          + answer
          + "): check "
          + settings.credentialsSource()
          + ", and that their policy allows s3:ListBucket, s3:GetObject, s3:PutObject,"
          + " s3:DeleteObject, s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on "
          + url(rootHint());
    }
    if ("NoSuchBucket".equals(code)) {
      return "bucket "
          + settings.bucket()
          + " does not exist at "
          + settings.endpointDescription()
          + " ("
          + answer
          + "): check spec.storage.s3.bucket, spec.storage.s3.endpoint and spec.storage.s3.region";
    }
    if (status == 301
        || "PermanentRedirect".equals(code)
        || "IllegalLocationConstraint".equals(code)) {
      return "the bucket is in another region ("
          + answer
          + "): set spec.storage.s3.region to the bucket's region";
    }
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return answer
        + (message == null || message.isBlank() ? "" : ": " + message)
        + (e.requestId() == null ? "" : " (request id " + e.requestId() + ")");
  }

  private String clientProblem(SdkException e) {
    String message = String.valueOf(e.getMessage());
    if (timedOut(e)) {
      return "the store at "
          + settings.endpointDescription()
          + " did not answer in time ("
          + message
          + "; the runner's time limits per request are in docs/architecture-s3.md): check the"
          + " store and the network";
    }
    if (message.contains("Unable to load credentials")) {
      return "no credentials: "
          + settings.credentialsSource()
          + " provided none (set spec.storage.s3.credentialsSecretRef, or give the runner an IAM"
          + " role)";
    }
    return "the store at "
        + settings.endpointDescription()
        + " could not be reached or did not answer ("
        + message
        + "): check spec.storage.s3.endpoint and the network";
  }

  /**
   * A request limit ran out: the SDK's per-call or per-attempt limit, or the socket's read limit
   * (whichever of them ends a hanging request first depends on the machine's load).
   */
  private static boolean timedOut(SdkException e) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private String rootHint() {
    return settings.prefix().isEmpty() ? "*" : settings.prefix() + "/*";
  }

  private String url(String key) {
    return "s3://" + settings.bucket() + "/" + key;
  }
}
