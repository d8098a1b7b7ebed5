package io.dbbackup.runner.store.s3;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.runner.config.Secret;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The credentials for a bucket: the keys of the mounted Secret spec.storage.s3.credentialsSecretRef
 * names, or, without one, the SDK's default chain (IAM roles for service accounts, pod identity,
 * instance roles, AWS_* environment).
 */
final class S3Credentials {
  static final String FIELD = "spec.storage.s3.credentialsSecretRef";
  static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  private S3Credentials() {}

  /** The provider; missing keys are a configuration error (exit 2) naming the field. */
  static AwsCredentialsProvider resolve(S3StorageSpec spec, SecretFiles secrets) {
    SecretRef ref = spec.getCredentialsSecretRef();
    if (ref == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    Map<String, Secret> keys = secrets.readAll(FIELD, ref);
    String id = required(keys, ACCESS_KEY_ID, ref);
    String secret = required(keys, SECRET_ACCESS_KEY, ref);
    String token = value(keys, SESSION_TOKEN);
    return StaticCredentialsProvider.create(
        token == null
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token));
  }

  /** Where the credentials come from, for error messages: never a value. */
  static String describe(S3StorageSpec spec) {
    SecretRef ref = spec.getCredentialsSecretRef();
    return ref == null
        ? "the credentials of the AWS SDK's default chain (IAM role for the service account,"
            + " instance role, AWS_* environment)"
        : ACCESS_KEY_ID
            + " and "
            + SECRET_ACCESS_KEY
            + " in Secret "
            + ref.getName()
            + " ("
            + FIELD
            + ")";
  }

  private static String required(Map<String, Secret> keys, String key, SecretRef ref) {
    String v = value(keys, key);
    if (v == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          FIELD
              + ": Secret "
              + ref.getName()
              + " has no key "
              + key
              + " (it needs "
              + ACCESS_KEY_ID
              + " and "
              + SECRET_ACCESS_KEY
              + ", and optionally "
              + SESSION_TOKEN
              + "; found: "
              + String.join(", ", keys.keySet())
              + ")");
    }
    return v;
  }

  /** A key's value without surrounding whitespace (files often end in a newline); null if empty. */
  private static String value(Map<String, Secret> keys, String key) {
    Secret s = keys.get(key);
    if (s == null || s.value().isBlank()) {
      return null;
    }
    return s.value().strip();
  }
}
