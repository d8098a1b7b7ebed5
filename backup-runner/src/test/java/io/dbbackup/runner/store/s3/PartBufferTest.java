package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
}
