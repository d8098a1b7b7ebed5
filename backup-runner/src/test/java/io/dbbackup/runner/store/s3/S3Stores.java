package io.dbbackup.runner.store.s3;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/** Test stores on an {@link S3ProxyServer}: resource shop/orders-db, 5 MiB parts. */
final class S3Stores {
  static final String NAMESPACE = "shop";
  static final String NAME = "orders-db";
  static final long MIB = 1024 * 1024;

  /** 3 s per attempt; bodies add little: a hung request fails in seconds. */
  static final S3Timeouts SMALL_TIMEOUTS =
      new S3Timeouts(
          Duration.ofSeconds(3),
          Duration.ofSeconds(3),
          Duration.ofSeconds(3),
          Duration.ofSeconds(3),
          100 * MIB);

  private S3Stores() {}

  /** The spec a user would write for the test server. */
  static S3StorageSpec spec(S3ProxyServer server, String bucket, String prefix) {
    S3StorageSpec spec = new S3StorageSpec();
    spec.setBucket(bucket);
    spec.setPrefix(prefix);
    spec.setEndpoint(server.endpoint().toString());
    spec.setRegion(S3ProxyServer.REGION);
    spec.setForcePathStyle(true);
    spec.setPartSizeMiB(5);
    return spec;
  }

  /**
   * A store on {@code server}'s {@code bucket} under prefix {@code backups}, its requests through
   * {@code proxy}, with the {@link #SMALL_TIMEOUTS}.
   */
  static S3Store behind(FaultProxy proxy, S3ProxyServer server, String bucket) {
    S3StorageSpec spec = spec(server, bucket, "backups");
    spec.setEndpoint(proxy.endpoint().toString());
    return store(spec, S3ProxyServer.SECRET_KEY, s -> s.withTimeouts(SMALL_TIMEOUTS), List.of());
  }

  static S3Store store(
      S3ProxyServer server, String bucket, String prefix, ExecutionInterceptor... interceptors) {
    return store(
        spec(server, bucket, prefix), S3ProxyServer.SECRET_KEY, s -> s, List.of(interceptors));
  }

  static S3Store store(
      S3StorageSpec spec,
      String secretKey,
      UnaryOperator<S3Settings> tweak,
      List<ExecutionInterceptor> interceptors) {
    S3Settings settings =
        tweak.apply(S3Settings.of(spec, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the test"));
    S3Client client = S3Clients.create(settings, credentials(secretKey), interceptors);
    return new S3Store(client, settings, NAMESPACE, NAME);
  }

  /** An interceptor running {@code action} on each call of {@code type}, once, before it starts. */
  static <R extends SdkRequest> ExecutionInterceptor onCall(Class<R> type, Consumer<R> action) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
        if (type.isInstance(c.request())) {
          action.accept(type.cast(c.request()));
        }
      }
    };
  }

  /** An interceptor running {@code action} on each attempt of a {@code type}, as it is sent. */
  static <R extends SdkRequest> ExecutionInterceptor onSend(Class<R> type, Consumer<R> action) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
        if (type.isInstance(c.request())) {
          action.accept(type.cast(c.request()));
        }
      }
    };
  }

  static StaticCredentialsProvider credentials(String secretKey) {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, secretKey));
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(digest().digest(data));
  }

  static String sha256(InputStream in) {
    MessageDigest d = digest();
    try (InputStream s = new DigestInputStream(in, d)) {
      s.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
