package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dbbackup.runner.support.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipCompressorTest {
  static final int BLOCK = 64 * 1024;

  /** Both engines where libdeflate loads (Java 22+, libdeflate.so.0), else zlib alone. */
  static final List<DeflateEngine> ENGINES = Engines.available();

  @ParameterizedTest
  @ValueSource(ints = {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 7 * BLOCK + 13, 3_000_000})
  void gzipInputStreamReadsBackExactlyWhatWasWritten(int size) throws IOException {
    for (byte[] input : List.of(TestData.random(size, size), TestData.text(size, size))) {
      for (DeflateEngine engine : ENGINES) {
        for (int threads : new int[] {1, 3}) {
          byte[] gz =
              compress(new ParallelGzipCompressor(6, threads, BLOCK, engine), input, 10_000);
          assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes())
              .as("%d bytes on %d threads with %s", size, threads, engine.name())
              .isEqualTo(input);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "libdeflate"})
  void outputIsOneGzipMemberWithTheCrcAndSizeOfThePlainData(String engine) throws Exception {
    byte[] input = TestData.text(1_000_000, 7);
    byte[] gz =
        compress(new ParallelGzipCompressor(9, 4, BLOCK, Engines.named(engine)), input, 4096);

    assertThat(gz).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3);
    // The deflate data between header and trailer is one stream that ends exactly at the trailer.
    Inflater inflater = new Inflater(true);
    inflater.setInput(gz, 10, gz.length - 18);
    byte[] plain = new byte[input.length + 1];
    int n = inflater.inflate(plain);
    assertThat(inflater.finished()).isTrue();
    assertThat(inflater.getRemaining()).isZero();
    assertThat(n).isEqualTo(input.length);
    inflater.end();

    CRC32 crc = new CRC32();
    crc.update(input);
    assertThat(littleEndian(gz, gz.length - 8)).isEqualTo(crc.getValue());
    assertThat(littleEndian(gz, gz.length - 4)).isEqualTo(input.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "libdeflate"})
  void ratioMatchesSingleThreadedGzipAtTheSameLevel(String engine) throws IOException {
    byte[] input = TestData.text(4_000_000, 11);
    for (int level : new int[] {1, 6, 9}) {
      ByteArrayOutputStream reference = new ByteArrayOutputStream();
      try (OutputStream out =
          new GZIPOutputStream(reference) {
            {
              def.setLevel(level);
            }
          }) {
        out.write(input);
      }
      byte[] ours =
          compress(new ParallelGzipCompressor(level, 2, 0, Engines.named(engine)), input, 65536);
      assertThat((double) ours.length / reference.size())
          .as("level %d: ours %d vs GZIPOutputStream %d", level, ours.length, reference.size())
          .isLessThan(1.01);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "libdeflate"})
  void levelIsHonoured(String name) throws IOException {
    DeflateEngine engine = Engines.named(name);
    byte[] input = TestData.text(2_000_000, 3);
    int fast = compress(new ParallelGzipCompressor(1, 2, BLOCK, engine), input, 8192).length;
    int best = compress(new ParallelGzipCompressor(9, 2, BLOCK, engine), input, 8192).length;
    assertThat(best).isLessThan(fast * 95 / 100);
    assertThat(new ParallelGzipCompressor(4).level()).isEqualTo(4);
    assertThatThrownBy(() -> new ParallelGzipCompressor(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gzip level must be 1-9, got 0");
    assertThatThrownBy(() -> new ParallelGzipCompressor(10))
        .hasMessage("gzip level must be 1-9, got 10");
  }

  @Test
  void defaultsToOneThreadPerProcessorAndLibdeflateWithItsBlockSize() {
    ParallelGzipCompressor gzip = new ParallelGzipCompressor(6);
    assertThat(gzip.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    // Java 22+ and libdeflate.so.0 (make test installs it): libdeflate; else the zlib fallback.
    assertThat(gzip.engine()).isEqualTo(Engines.expectedPreferred());
    assertThat(gzip.blockSize())
        .isEqualTo(Engines.libdeflateAvailable() ? 1024 * 1024 : 128 * 1024);
    assertThat(new ParallelGzipCompressor(6, 2, 0, ZlibEngine.INSTANCE).blockSize())
        .isEqualTo(128 * 1024);
    assertThatThrownBy(() -> new ParallelGzipCompressor(6, 2, 4 << 20))
        .hasMessage(
            "block size must be 32 KiB to "
                + (Engines.libdeflateAvailable() ? 1048576 : 131072)
                + " bytes, got 4194304");
    assertThat(Compressor.of(io.dbbackup.api.v1alpha1.CompressionAlgorithm.GZIP, null))
        .isInstanceOfSatisfying(
            ParallelGzipCompressor.class, c -> assertThat(c.level()).isEqualTo(6));
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "libdeflate"})
  void failingSinkFailsTheStreamWithItsErrorAndLeavesNoThreads(String engine) throws Exception {
    List<String> before = gzipThreads();
    IOException broken = new IOException("disk full");
    OutputStream sink = new FailingSink(200_000, broken);
    OutputStream out =
        new ParallelGzipCompressor(6, 3, BLOCK, Engines.named(engine)).compress(sink);
    byte[] input = TestData.random(5_000_000, 1);

    IOException thrown = null;
    try {
      for (int off = 0; off < input.length; off += 10_000) {
        out.write(input, off, Math.min(10_000, input.length - off));
      }
    } catch (IOException e) {
      thrown = e;
    }
    assertThat(thrown).isSameAs(broken);
    assertThatThrownBy(() -> out.write(1)).hasMessage("the gzip stream failed earlier");
    out.close(); // releases the workers; the error was already reported
    assertThat(gzipThreadsOnceSettled(before)).isEqualTo(before);
  }

  @Test
  void failureWhileFinishingIsThrownByClose() throws Exception {
    List<String> before = gzipThreads();
    IOException broken = new IOException("connection reset");
    OutputStream out =
        new ParallelGzipCompressor(6, 2, BLOCK).compress(new FailingSink(20, broken));
    out.write(TestData.text(1000, 1));
    assertThatThrownBy(out::close).isSameAs(broken);
    out.close();
    assertThat(gzipThreadsOnceSettled(before)).isEqualTo(before);
  }

  @Test
  void aStalledSinkBoundsHowMuchIsBufferedInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stalled =
        new OutputStream() {
          private int writes;

          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (++writes > 1) { // the header passes, the first block stalls
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IOException("stalled sink gave up");
            }
          }
        };
    int threads = 2;
    OutputStream out = new ParallelGzipCompressor(1, threads, BLOCK).compress(stalled);
    AtomicLong accepted = new AtomicLong();
    Thread producer =
        new Thread(
            () -> {
              byte[] chunk = TestData.random(4096, 5);
              try (out) {
                while (true) {
                  out.write(chunk);
                  accepted.addAndGet(chunk.length);
                }
              } catch (IOException expected) {
                // the sink gave up
              }
            });
    producer.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> accepted.get() > 0);
    long settled = awaitStable(accepted);
    // Blocks queued or compressing (2 per thread), the one being written, the one being filled.
    assertThat(settled).isLessThanOrEqualTo((2L * threads + 2) * BLOCK);
    release.countDown();
    producer.join(20_000);
    assertThat(producer.isAlive()).isFalse();
  }

  @Test
  void closingTwiceIsHarmlessAndWritingAfterCloseFails() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = new ParallelGzipCompressor(6, 2, BLOCK).compress(sink);
    out.write(new byte[] {1, 2, 3});
    out.close();
    int size = sink.size();
    out.close();
    assertThat(sink.size()).isEqualTo(size);
    assertThatThrownBy(() -> out.write(4)).hasMessage("the gzip stream is closed");
  }

  static byte[] compress(Compressor compressor, byte[] input, int chunk) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = compressor.compress(sink)) {
      for (int off = 0; off < input.length; off += chunk) {
        out.write(input, off, Math.min(chunk, input.length - off));
      }
    }
    return sink.toByteArray();
  }

  /**
   * The gzip threads, once those that were stopped have finished exiting: awaitTermination returns
   * when a worker's last task is done, a moment before its thread ends (seen in CI on a loaded
   * machine). Waits at most 30 s for the list to become {@code expected}.
   */
  static List<String> gzipThreadsOnceSettled(List<String> expected) throws InterruptedException {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    List<String> now = gzipThreads();
    while (!now.equals(expected) && System.nanoTime() < until) {
      Thread.sleep(20);
      now = gzipThreads();
    }
    return now;
  }

  static List<String> gzipThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("gzip-"))
        .sorted()
        .toList();
  }

  private static long awaitStable(AtomicLong value) throws InterruptedException {
    long last = -1;
    while (value.get() != last) {
      last = value.get();
      Thread.sleep(500);
    }
    return last;
  }

  private static long littleEndian(byte[] b, int at) {
    return (b[at] & 0xffL)
        | (b[at + 1] & 0xffL) << 8
        | (b[at + 2] & 0xffL) << 16
        | (b[at + 3] & 0xffL) << 24;
  }

  /** Accepts {@code limit} bytes, then fails every write with the same exception. */
  static final class FailingSink extends OutputStream {
    private final long limit;
    private final IOException failure;
    private long written;

    FailingSink(long limit, IOException failure) {
      this.limit = limit;
      this.failure = failure;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (written + len > limit) {
        throw failure;
      }
      written += len;
    }
  }
}
