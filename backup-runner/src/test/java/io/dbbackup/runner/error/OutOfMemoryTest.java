package io.dbbackup.runner.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.store.s3.S3StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutOfMemoryTest {
  static final Path IMAGE_JVM_ARGS = Path.of("../docker/runner-jvm.args");

  @Test
  void findsTheErrorInCausesAndSuppressedExceptions() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    IOException wrapped = new IOException("part 3 failed", new RuntimeException(oom));
    IOException suppressing = new IOException("close failed");
    suppressing.addSuppressed(new IllegalStateException("x", oom));

    assertThat(OutOfMemory.in(wrapped)).containsSame(oom);
    assertThat(OutOfMemory.in(suppressing)).containsSame(oom);
    assertThat(OutOfMemory.in(oom)).containsSame(oom);
    assertThat(OutOfMemory.in(new IOException("disk", new IOException("full")))).isEmpty();
    assertThat(OutOfMemory.in(null)).isEmpty();
  }

  @Test
  void aCycleOfCausesEnds() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.addSuppressed(b);
    assertThat(OutOfMemory.in(b)).isEmpty();
  }

  @Test
  void anUploadThatRanOutOfMemoryExits1NotAsAStorageFailure() {
    OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory");
    IOException upload =
        new S3StorageException("s3://b/k: part 7 failed: " + oom, 0, null, new Exception(oom));

    RunnerException failure = RunnerException.classify(upload);

    assertThat(failure.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(failure.getMessage())
        .startsWith("the runner ran out of memory (Direct buffer memory; maximum heap ")
        .contains("please report it");
    assertThat(failure.getCause()).isSameAs(oom);
    // Without it, the same wrapper is a storage failure.
    assertThat(RunnerException.classify(new S3StorageException("s3://b/k: 503", 503, null, null)))
        .extracting(RunnerException::exitCode)
        .isEqualTo(ExitCode.STORAGE_FAILED);
    // A known failure class keeps its code unless memory ran out inside it.
    RunnerException dump = new RunnerException(ExitCode.DUMP_FAILED, "pg_dumpall exited 1");
    assertThat(OutOfMemory.classify(dump)).isSameAs(dump);
    assertThat(
            OutOfMemory.classify(new RunnerException(ExitCode.DUMP_FAILED, "read", oom)).exitCode())
        .isEqualTo(ExitCode.FAILED);
  }

  @Test
  void aThreadOutOfMemoryEndsTheImagesJvmWithExitCode1() throws Exception {
    Child run = child(ThreadOutOfMemory.class.getName());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(ExitCode.FAILED.code());
    assertThat(run.output())
        .contains("event=command_failed")
        .contains("exit_code=1")
        .contains("thread=greedy")
        .contains("the runner ran out of memory (Java heap space; maximum heap ")
        .doesNotContain("main went on");
  }

  @Test
  void whyTheImageDoesNotUseTheJvmsExitOnOutOfMemoryError() throws Exception {
    assertThat(Files.readAllLines(IMAGE_JVM_ARGS))
        .noneMatch(l -> l.strip().startsWith("-XX:+ExitOnOutOfMemoryError"));
    // The JVM's own option exits with 3, the runner's "database unreachable".
    Child run = child("-XX:+ExitOnOutOfMemoryError", ThreadOutOfMemory.class.getName(), "bare");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());
  }

  record Child(int exitCode, String output) {}

  /** A JVM with the image's settings ({@code docker/runner-jvm.args}) running a class of ours. */
  static Child child(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + IMAGE_JVM_ARGS.toAbsolutePath());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Child(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs out of memory in a thread nobody waits on, as a stream drainer could. */
  public static final class ThreadOutOfMemory {
    public static void main(String[] args) throws Exception {
      if (args.length == 0) {
        OutOfMemory.install();
      }
      Thread greedy =
          Thread.ofPlatform()
              .name("greedy")
              .start(
                  () -> {
                    List<byte[]> held = new ArrayList<>();
                    while (true) {
                      held.add(new byte[1 << 20]);
                    }
                  });
      greedy.join();
      Thread.sleep(30_000);
      System.out.println("main went on");
    }
  }
}
