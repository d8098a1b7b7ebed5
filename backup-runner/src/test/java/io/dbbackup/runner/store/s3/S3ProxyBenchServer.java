package io.dbbackup.runner.store.s3;

/**
 * For {@code make bench}: serves the same embedded S3-compatible server the tests use, with a
 * bucket, until the process is killed. Prints the endpoint and credentials on one line.
 */
public final class S3ProxyBenchServer {
  private S3ProxyBenchServer() {}

  public static void main(String[] args) throws InterruptedException {
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
