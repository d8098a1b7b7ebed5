package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.StorageErrors;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class S3ErrorsTest {
  final S3Errors errors = new S3Errors(settings());

  static S3Settings settings() {
    S3StorageSpec spec = new S3StorageSpec();
    spec.setBucket("backups");
    spec.setPrefix("shop");
    spec.setRegion("eu-west-1");
    spec.setCredentialsSecretRef(new SecretRef("s3-creds"));
    return S3Settings.of(spec, S3Credentials.describe(spec));
  }

  IOException translate(int status, String code) {
    return errors.translate(
        "writing", "shop/k", CreateOnlyTest.error(status, code, "from the store"));
  }

  @Test
  void badCredentialsNameTheSecretAndItsField() {
    IOException e = translate(403, "InvalidAccessKeyId");
    assertThat(e)
        .isInstanceOf(S3StorageException.class)
        .hasMessage(
            "writing s3://backups/shop/k: the store refused the credentials (HTTP 403"
                + " InvalidAccessKeyId): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in"
                + " Secret s3-creds (spec.storage.s3.credentialsSecretRef)");
    assertThat(StorageErrors.classify("x", e).exitCode()).isEqualTo(ExitCode.STORAGE_FAILED);
  }

  @Test
  void accessDeniedIsAStorageFailureListingThePermissionsNeeded() {
    IOException e = translate(403, "AccessDenied");
    assertThat(e.getMessage())
        .startsWith("writing s3://backups/shop/k: access denied (HTTP 403 AccessDenied): check")
        .contains("s3:PutObject")
        .contains("s3:AbortMultipartUpload on s3://backups/shop/*");
    assertThat(StorageErrors.classify("x", e).exitCode()).isEqualTo(ExitCode.STORAGE_FAILED);
  }

  @Test
  void aMissingBucketOrRegionNamesTheFields() {
    assertThat(translate(404, "NoSuchBucket").getMessage())
        .contains("bucket backups does not exist at AWS S3 (eu-west-1)")
        .contains("check spec.storage.s3.bucket");
    assertThat(translate(301, "PermanentRedirect").getMessage())
        .contains("set spec.storage.s3.region");
  }

  @Test
  void missingAndExistingObjectsAreFileErrors() {
    assertThat(translate(404, "NoSuchKey"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage("s3://backups/shop/k");
    assertThat(translate(412, "PreconditionFailed")).isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void otherAnswersKeepTheStoresCodeAndMessage() {
    S3StorageException e = (S3StorageException) translate(503, "SlowDown");
    assertThat(e.statusCode()).isEqualTo(503);
    assertThat(e.errorCode()).isEqualTo("SlowDown");
    assertThat(e).hasMessage("writing s3://backups/shop/k: HTTP 503 SlowDown: from the store");
  }

  @Test
  void aSocketReadTimeoutIsAStoreThatDidNotAnswerInTime() {
    // A hanging request ends at the SDK's attempt limit or at the socket's read limit, whichever
    // comes first on a busy machine: both are the store not answering in time.
    SdkClientException readTimedOut =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: Read timed out")
            .cause(new java.net.SocketTimeoutException("Read timed out"))
            .build();
    assertThat(errors.translate("listing", "shop/chunks/", readTimedOut).getMessage())
        .startsWith("listing s3://backups/shop/chunks/: the store at ")
        .contains("did not answer in time (Unable to execute HTTP request: Read timed out;");
    SdkClientException refused =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: Connection refused")
            .cause(new java.net.ConnectException("Connection refused"))
            .build();
    assertThat(errors.translate("listing", "shop/chunks/", refused).getMessage())
        .contains("could not be reached or did not answer (Unable to execute HTTP request:");
  }

  @Test
  void noCredentialsAtAllSaysWhereToPutThem() {
    IOException e =
        errors.translate(
            "listing",
            "shop/",
            SdkClientException.create("Unable to load credentials from any of the providers"));
    assertThat(e.getMessage()).contains("no credentials").contains("credentialsSecretRef");
  }
}
