package io.dbbackup.testing;

/**
 * The embedded S3-compatible server the tests use, as a process: for {@code make bench} and for the
 * training run of the runner image's ahead-of-time cache (docker/runner-aot.sh). Creates the bucket
 * named by the first argument ({@code bench} by default), prints {@code endpoint=... bucket=...
 * access_key=... secret_key=...} on one line, and serves until the process is killed.
 */
public final class S3ProxyMain {
  private S3ProxyMain() {}

  public static void main(String[] args) throws InterruptedException {
    // Before anything logs: without a configuration logback prints s3proxy's debug log, a line or
    // more per request.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/dbbackup/testing/s3proxy-logback.xml");
    }
    String bucket = args.length > 0 ? args[0] : "bench";
    S3ProxyServer server = new S3ProxyServer().start();
    server.createBucket(bucket);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println(
        "endpoint="
            + server.endpoint()
            + " bucket="
            + bucket
            + " access_key="
            + S3ProxyServer.ACCESS_KEY
            + " secret_key="
            + S3ProxyServer.SECRET_KEY);
    System.out.flush();
    Thread.currentThread().join();
  }
}
