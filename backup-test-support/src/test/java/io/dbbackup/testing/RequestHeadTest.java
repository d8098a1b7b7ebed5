package io.dbbackup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestHeadTest {

  static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void readsOneHeadKeepingItsRawBytesAndLeavesTheBody() throws IOException {
    String raw =
        "PUT /b/k?partNumber=2&uploadId=u1&uploads HTTP/1.1\r\nHost: h\r\n"
            + "Content-Length: 5\r\nX-Amz-Decoded-Content-Length: 3\r\nExpect: 100-continue\r\n\r\n";
    InputStream in = stream(raw + "hello");

    RequestHead head = RequestHead.read(in);

    assertThat(new String(head.raw(), StandardCharsets.ISO_8859_1)).isEqualTo(raw);
    assertThat(head.method()).isEqualTo("PUT");
    assertThat(head.target()).isEqualTo("/b/k?partNumber=2&uploadId=u1&uploads");
    assertThat(head.path()).isEqualTo("/b/k");
    assertThat(head.header("host")).isEqualTo("h");
    assertThat(head.contentLength()).isEqualTo(5);
    assertThat(head.payloadLength()).isEqualTo(3);
    assertThat(head.expectsContinue()).isTrue();
    assertThat(head.chunked()).isFalse();
    assertThat(head.queryValue("uploadId")).isEqualTo("u1");
    assertThat(head.queryValue("uploads")).isNull();
    assertThat(head.queryKeys())
        .containsExactly("partNumber=2", "partNumber", "uploadId=u1", "uploadId", "uploads");
    assertThat(in.readAllBytes()).asString().isEqualTo("hello");
  }

  @Test
  void endsCleanlyOnlyBetweenRequests() throws IOException {
    assertThat(RequestHead.read(stream(""))).isNull();
    assertThatThrownBy(() -> RequestHead.read(stream("GET / HTTP/1.1\r\n")))
        .hasMessage("connection closed in a request head");
  }

  @Test
  void withoutAQueryHasNoKeysAndTheWholeTargetAsPath() throws IOException {
    RequestHead head =
        RequestHead.read(stream("GET /b HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"));
    assertThat(head.path()).isEqualTo("/b");
    assertThat(head.queryKeys()).isEmpty();
    assertThat(head.queryValue("x")).isNull();
    assertThat(head.chunked()).isTrue();
    assertThat(head.contentLength()).isZero();
  }
}
