package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's ahead-of-time cache step (docker/runner-aot.sh) run here on the built runner
 * jar with this JVM: training backups of a throwaway PostgreSQL cluster, to a volume and to a
 * bucket on the embedded S3 server (given to the script as the image build gives it), write the
 * cache, which then holds the classes of both data paths (not only those of start-up), and maps
 * from a read-only directory, as in a pod with a read-only root file system.
 */
class RunnerAotCacheTest {
  @Test
  void theCacheIsTrainedOnARealBackupAndMapsReadOnly(@TempDir Path dir) throws Exception {
    assumeTrue(
        Runtime.version().feature() >= 25,
        "ahead-of-time caches need JDK 25 (the image's JRE); this is " + Runtime.version());
    Path jar = dir.resolve("backup-runner.jar");
    Files.copy(Chart.ROOT.resolve("backup-runner/target/backup-runner.jar"), jar);
    Path args = Chart.ROOT.resolve("docker/runner-jvm.args");
    Path cache = dir.resolve("backup-runner.aot");
    var made =
        DockerfileTest.run(
            List.of(
                "sh",
                Chart.ROOT.resolve("docker/runner-aot.sh").toString(),
                DockerfileTest.java(),
                jar.toString(),
                args.toString(),
                cache.toString()),
            Map.of("AOT_S3_SERVER_CLASSPATH", System.getProperty("java.class.path")));
    assertThat(made.exit()).as(made.tail()).isZero();
    assertThat(cache).isRegularFile();
    assertThat(Files.size(cache)).isGreaterThan(10_000_000);

    assertThat(cache.toFile().setWritable(false, false)).isTrue();
    assertThat(dir.toFile().setWritable(false, false)).isTrue();
    try {
      var listed = withCache(args, cache, jar, "-XX:+PrintSharedArchiveAndExit");
      assertThat(listed.exit()).as(listed.tail()).isZero();
      // The data path of a nightly backup, which a start-up-only training would not load. The
      // listing has tens of thousands of lines: only the missing names go into a failure.
      List<String> expected =
          List.of(
              "io.dbbackup.runner.pipeline.DumpPipeline ",
              "io.dbbackup.runner.pipeline.LibdeflateEngine ",
              "io.dbbackup.runner.pipeline.RawDeflate ",
              "org.bouncycastle.openpgp.PGPEncryptedDataGenerator ",
              "io.dbbackup.runner.verify.BackupVerifier ",
              "org.flywaydb.core.Flyway ",
              // the S3 backup's: the AWS SDK, the streaming upload, zstd
              "software.amazon.awssdk.services.s3.DefaultS3Client ",
              "io.dbbackup.runner.store.s3.StreamingUpload ",
              "com.github.luben.zstd.ZstdOutputStreamNoFinalizer ");
      String listing = listed.output();
      assertThat(expected.stream().filter(c -> !listing.contains(c)).toList())
          .as("classes missing from the cache (%d lines listed)", listing.lines().count())
          .isEmpty();

      var started = withCache(args, cache, jar, "-Xlog:class+load=info:stdout", "--version");
      assertThat(started.exit()).as(started.tail()).isZero();
      String loaded = started.output();
      assertThat(loaded.contains("io.dbbackup.runner.RunnerMain source: shared objects file"))
          .as("RunnerMain loaded from the cache; the class+load log ends:%n%s", started.tail())
          .isTrue();
      assertThat(loaded.contains("backup-runner "))
          .as("the version printed; the output ends:%n%s", started.tail())
          .isTrue();
    } finally {
      dir.toFile().setWritable(true, true);
    }
  }

  /** Runs the jar with the cache required (-XX:AOTMode=on fails when it does not map). */
  private static DockerfileTest.Result withCache(
      Path args, Path cache, Path jar, String jvmOption, String... programArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            DockerfileTest.java(),
            "@" + args,
            "-XX:AOTMode=on",
            "-XX:AOTCache=" + cache,
            jvmOption,
            "-jar",
            jar.toString()));
    command.addAll(List.of(programArgs));
    return DockerfileTest.run(command);
  }
}
