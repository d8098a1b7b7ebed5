package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartBufferTest {
  @Test
  void takesBytesUpToItsLimitAndCanBeReadRepeatedly() throws IOException {
    PartBuffer buffer = new PartBuffer(200_000, false);
    byte[] chunk = new byte[150_000];
    Arrays.fill(chunk, (byte) 7);
    assertThat(buffer.write(chunk, 0, chunk.length)).isEqualTo(150_000);
    assertThat(buffer.write(chunk, 0, chunk.length)).isEqualTo(50_000);
    assertThat(buffer.isFull()).isTrue();
    var body = buffer.body("application/octet-stream");
    assertThat(body.optionalContentLength()).contains(200_000L);
    for (int i = 0; i < 2; i++) {
      try (InputStream in = body.contentStreamProvider().newStream()) {
        byte[] all = in.readAllBytes();
        assertThat(all).hasSize(200_000);
        assertThat(all[199_999]).isEqualTo((byte) 7);
      }
    }
    buffer.clear();
    assertThat(buffer.size()).isZero();
    assertThat(buffer.isFull()).isFalse();
  }

  @Test
  void aScratchFilePartIsOwnerOnlyRereadableReusableAndDeletedOnClose(@TempDir Path dir)
      throws IOException {
    PartBuffer buffer = PartBuffer.inFile(200_000, dir);
    assertThat(buffer.inFile()).isTrue();
    Path file;
    try (var files = Files.list(dir)) {
      file = files.findFirst().orElseThrow();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    byte[] chunk = new byte[150_000];
    new java.util.Random(3).nextBytes(chunk);
    assertThat(buffer.write(chunk, 0, chunk.length)).isEqualTo(150_000);
    assertThat(buffer.write(chunk, 0, chunk.length)).isEqualTo(50_000);
    assertThat(buffer.isFull()).isTrue();
    byte[] expected = new byte[200_000];
    System.arraycopy(chunk, 0, expected, 0, 150_000);
    System.arraycopy(chunk, 0, expected, 150_000, 50_000);
    var body = buffer.body("application/octet-stream");
    assertThat(body.optionalContentLength()).contains(200_000L);
    for (int i = 0; i < 2; i++) {
      try (InputStream in = body.contentStreamProvider().newStream()) {
        assertThat(in.readAllBytes()).isEqualTo(expected);
      }
    }

    buffer.clear();
    assertThat(Files.size(file)).isZero();
    assertThat(buffer.write(chunk, 0, 10)).isEqualTo(10);
    try (InputStream in = buffer.body("x").contentStreamProvider().newStream()) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOf(chunk, 10));
    }

    buffer.close();
    assertThat(file).doesNotExist();
    buffer.close(); // twice is harmless
  }
}
