package io.dbbackup.runner.store.s3;

import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the synchronous S3 client for a bucket. Uploads are sent without aws-chunked framing (the
 * payload is signed whole, or sent unsigned over TLS, with its checksum in a header), so a store
 * that does not decode aws-chunked still stores exactly the bytes sent. Every request has a time
 * limit ({@link S3Timeouts}), so a store that hangs cannot hold the run.
 */
final class S3Clients {
  private S3Clients() {}

  static S3Client create(S3Settings settings, AwsCredentialsProvider credentials) {
    return create(settings, credentials, List.of());
  }

  /** With {@code interceptors} observing every request (tests). */
  static S3Client create(
      S3Settings settings,
      AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    S3Timeouts timeouts = settings.timeouts();
    var builder =
        S3Client.builder()
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .maxConnections(settings.maxPartsInFlight() + 4)
                    .connectionTimeout(timeouts.connect())
                    .socketTimeout(timeouts.socket())
                    .connectionAcquisitionTimeout(timeouts.acquire()))
            .credentialsProvider(credentials)
            .region(region(settings))
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(settings.forcePathStyle())
                    .chunkedEncodingEnabled(false)
                    .build())
            .requestChecksumCalculation(settings.checksumMode().requests)
            .responseChecksumValidation(settings.checksumMode().responses)
            // Requests without a body; uploads and completions set their own (UploadRequests).
            .overrideConfiguration(
                o ->
                    o.retryStrategy(RetryMode.STANDARD)
                        .executionInterceptors(interceptors)
                        .apiCallAttemptTimeout(timeouts.attempt(0))
                        .apiCallTimeout(timeouts.call(0)));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    } else if (settings.region() == null) {
      // On AWS without a configured region: follow the bucket to wherever it is.
      builder.crossRegionAccessEnabled(true);
    }
    return builder.build();
  }

  private static Region region(S3Settings settings) {
    if (settings.region() != null) {
      return Region.of(settings.region());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      return Region.US_EAST_1;
    }
  }
}
