package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

class S3CredentialsTest {
  @TempDir Path secrets;

  S3StorageSpec spec(String secret) {
    S3StorageSpec spec = new S3StorageSpec();
    spec.setBucket("backups");
    spec.setCredentialsSecretRef(secret == null ? null : new SecretRef(secret));
    return spec;
  }

  void key(String name, String value) throws IOException {
    Files.createDirectories(secrets.resolve("s3-creds"));
    Files.writeString(secrets.resolve("s3-creds").resolve(name), value);
  }

  @Test
  void readsTheKeysOfTheMountedSecretWithoutTrailingNewlines() throws IOException {
    key("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE\n");
    key("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI\n");
    key("AWS_SESSION_TOKEN", "token\n");
    var c = S3Credentials.resolve(spec("s3-creds"), new SecretFiles(secrets)).resolveCredentials();
    assertThat(c.accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(c.secretAccessKey()).isEqualTo("wJalrXUtnFEMI");
    assertThat(c)
        .isInstanceOfSatisfying(
            AwsSessionCredentials.class, s -> assertThat(s.sessionToken()).isEqualTo("token"));
  }

  @Test
  void aMissingKeyIsAConfigErrorNamingTheFieldAndNotTheValues() throws IOException {
    key("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    key("aws_secret_access_key", "wJalrXUtnFEMI");
    assertThatThrownBy(() -> S3Credentials.resolve(spec("s3-creds"), new SecretFiles(secrets)))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessage(
            "spec.storage.s3.credentialsSecretRef: Secret s3-creds has no key"
                + " AWS_SECRET_ACCESS_KEY (it needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                + " and optionally AWS_SESSION_TOKEN; found: AWS_ACCESS_KEY_ID,"
                + " aws_secret_access_key)");
  }

  @Test
  void aMissingSecretIsAConfigErrorNamingTheField() {
    assertThatThrownBy(() -> S3Credentials.resolve(spec("s3-creds"), new SecretFiles(secrets)))
        .isInstanceOfSatisfying(
            RunnerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_CONFIG))
        .hasMessageStartingWith("spec.storage.s3.credentialsSecretRef: secret file");
  }

  @Test
  void withoutASecretTheSdkDefaultChainIsUsed() {
    assertThat(S3Credentials.resolve(spec(null), new SecretFiles(secrets)))
        .isInstanceOf(DefaultCredentialsProvider.class);
    assertThat(S3Credentials.describe(spec(null))).contains("default chain");
  }
}
