package io.dbbackup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class FramedBodyTest {

  static RequestHead head(String headers) throws IOException {
    return RequestHead.read(RequestHeadTest.stream("PUT /b/k HTTP/1.1\r\n" + headers + "\r\n"));
  }

  @Test
  void copiesAContentLengthBodyAndNoMore() throws IOException {
    InputStream in = RequestHeadTest.stream("hellonext");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThat(FramedBody.copy(head("Content-Length: 5\r\n"), in, out, Long.MAX_VALUE)).isTrue();

    assertThat(out.toString()).isEqualTo("hello");
    assertThat(in.readAllBytes()).asString().isEqualTo("next");
  }

  @Test
  void copiesAChunkedBodyWithItsFramingAndTrailers() throws IOException {
    String body = "5;ext=1\r\nhello\r\n0\r\nx-amz-checksum: abc\r\n\r\n";
    InputStream in = RequestHeadTest.stream(body + "next");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    RequestHead chunked = head("Transfer-Encoding: chunked\r\n");
    assertThat(FramedBody.copy(chunked, in, out, Long.MAX_VALUE)).isTrue();

    assertThat(out.toString()).isEqualTo(body);
    assertThat(in.readAllBytes()).asString().isEqualTo("next");
  }

  @Test
  void stopsAtTheLimit() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RequestHead head = head("Content-Length: 5\r\n");

    assertThat(FramedBody.copy(head, RequestHeadTest.stream("hello"), out, 3)).isFalse();
    assertThat(out.toString()).isEqualTo("hel");

    ByteArrayOutputStream chunkedOut = new ByteArrayOutputStream();
    RequestHead chunked = head("Transfer-Encoding: chunked\r\n");
    InputStream in = RequestHeadTest.stream("5\r\nhello\r\n0\r\n\r\n");
    assertThat(FramedBody.copy(chunked, in, chunkedOut, 6)).isFalse();
    assertThat(chunkedOut.toString()).isEqualTo("5\r\nhel");
  }

  @Test
  void discardLeavesTheBodyOfAClientWaitingFor100Continue() throws IOException {
    InputStream in = RequestHeadTest.stream("hellonext");
    FramedBody.discard(head("Content-Length: 5\r\nExpect: 100-continue\r\n"), in);
    assertThat(in.readAllBytes()).asString().isEqualTo("hellonext");

    InputStream sent = RequestHeadTest.stream("hellonext");
    FramedBody.discard(head("Content-Length: 5\r\n"), sent);
    assertThat(sent.readAllBytes()).asString().isEqualTo("next");
  }
}
