package io.dbbackup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An embedded S3-compatible server (s3proxy) speaking the real protocol with SigV4 signatures, on a
 * free port of 127.0.0.1, with fixed test credentials. Objects are kept in a temporary directory
 * (s3proxy's filesystem backend), so they survive {@link #stop()} and {@link #restart()} as a real
 * store's would. Use as {@code @RegisterExtension static final S3ProxyServer S3 = new
 * S3ProxyServer();} or start and close it by hand.
 */
public final class S3ProxyServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  public static final String ACCESS_KEY = "dbbackup-test-access";
  public static final String SECRET_KEY = "dbbackup-test-secret-0123456789";
  public static final String REGION = "us-east-1";

  private Path dataDir;
  private Gate gate;
  private int port;
  private S3Proxy proxy;
  private S3Client client;

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Starts the server on a new free port with an empty store. */
  public S3ProxyServer start() {
    try {
      dataDir = Files.createTempDirectory("dbbackup-s3-");
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gate = new Gate(new FilesystemNio2BlobStore(dataDir.toString()));
    restart();
    return this;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A client with the test credentials, for setting up and checking what the store holds. */
  public S3Client client() {
    if (client == null) {
      client = clientFor(ACCESS_KEY, SECRET_KEY);
    }
    return client;
  }

  public S3Client clientFor(String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .region(Region.of(REGION))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

  public void createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
  }

  /** Every key in the bucket under {@code prefix}. */
  public List<String> keys(String bucket, String prefix) {
    return client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(o -> o.key())
        .toList();
  }

  /** The keys of the open multipart uploads in the bucket. */
  public List<String> openUploads(String bucket) {
    return client().listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().stream()
        .map(u -> u.key())
        .toList();
  }

  /**
   * From now on, an upload of part {@code partNumber} or later is held by the server (its body not
   * stored) until {@link #stop()}, which fails it. Returns a latch that opens when one is held.
   */
  public CountDownLatch holdPartsFrom(int partNumber) {
    return gate.holdFrom(partNumber);
  }

  /** Stops the server, as a crash or network loss would; stored objects stay. */
  public void stop() {
    try {
      gate.failHeld();
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping s3proxy", e);
    }
  }

  /** Starts the server again on the same port, with what it stored. */
  public void restart() {
    proxy =
        S3Proxy.builder()
            .blobStore(gate)
            .endpoint(endpoint())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .stopTimeout(0)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      throw new IllegalStateException("starting s3proxy on port " + port, e);
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (proxy != null) {
      try {
        gate.failHeld();
        proxy.stop();
      } catch (Exception e) {
        // closing anyway
      }
      proxy = null;
    }
    if (dataDir != null) {
      try (Stream<Path> paths = Files.walk(dataDir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // a temp dir left behind
      }
      dataDir = null;
    }
  }

  /** Holds part uploads on request, to stop the server while one is in flight. */
  private static final class Gate extends ForwardingBlobStore {
    private volatile int holdFrom = Integer.MAX_VALUE;
    private volatile CountDownLatch held = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(1);

    Gate(BlobStore delegate) {
      super(delegate);
    }

    CountDownLatch holdFrom(int partNumber) {
      held = new CountDownLatch(1);
      release = new CountDownLatch(1);
      holdFrom = partNumber;
      return held;
    }

    void failHeld() {
      holdFrom = Integer.MAX_VALUE;
      release.countDown();
    }

    @Override
    public UploadPartResponse uploadMultipartPart(
        MultipartUpload mpu, UploadPartRequest request, InputStream is) {
      if (request.partNumber() >= holdFrom) {
        held.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
          // Give the server time to close its connections, so the client sees a dropped
          // connection rather than this error.
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException(
            "s3proxy stopped while part " + request.partNumber() + " was uploading");
      }
      return super.uploadMultipartPart(mpu, request, is);
    }
  }
}
