package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's class-data-sharing step (docker/runner-cds.sh) run here on the built runner jar
 * with this JVM: it writes an archive, and a read-only archive then serves the runner's own classes
 * at start-up, as in a pod with a read-only root file system.
 */
class RunnerCdsArchiveTest {
  @Test
  void theArchiveIsMadeAtBuildTimeAndMappedReadOnlyAtStart(@TempDir Path dir) throws Exception {
    Files.copy(
        Chart.ROOT.resolve("backup-runner/target/backup-runner.jar"),
        dir.resolve("backup-runner.jar"));
    Files.copy(
        Chart.ROOT.resolve("docker/runner-jvm.args"),
        dir.resolve("runner-jvm.args"),
        StandardCopyOption.REPLACE_EXISTING);
    var made =
        DockerfileTest.run(
            List.of(
                "sh",
                Chart.ROOT.resolve("docker/runner-cds.sh").toString(),
                DockerfileTest.java(),
                dir.toString()));
    assertThat(made.exit()).as(made.output()).isZero();
    Path archive = dir.resolve("backup-runner.jsa");
    assertThat(archive).isRegularFile();
    assertThat(Files.size(archive)).isGreaterThan(1_000_000);

    assertThat(archive.toFile().setWritable(false, false)).isTrue();
    assertThat(dir.toFile().setWritable(false, false)).isTrue();
    try {
      var started =
          DockerfileTest.run(
              List.of(
                  DockerfileTest.java(),
                  "@" + dir.resolve("runner-jvm.args"),
                  "-Xshare:on",
                  "-XX:SharedArchiveFile=" + archive,
                  "-Xlog:class+load=info:stdout",
                  "-jar",
                  dir.resolve("backup-runner.jar").toString(),
                  "--version"));
      assertThat(started.exit()).as(started.output()).isZero();
      assertThat(started.output())
          .contains("io.dbbackup.runner.RunnerMain source: shared objects file (top)")
          .contains("backup-runner ");
      // picocli's Java 5 class files cannot be archived (CDS needs class file version 50+); the
      // runner's and its other libraries' classes are served from the archive.
      assertThat(
              started.output().lines().filter(l -> l.endsWith("source: shared objects file (top)")))
          .hasSizeGreaterThan(500);
    } finally {
      dir.toFile().setWritable(true, true);
    }
  }
}
