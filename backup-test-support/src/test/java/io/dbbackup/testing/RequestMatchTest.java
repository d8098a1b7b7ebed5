package io.dbbackup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class RequestMatchTest {

  static RequestHead head(String method, String target) throws IOException {
    return RequestHead.read(RequestHeadTest.stream(method + " " + target + " HTTP/1.1\r\n\r\n"));
  }

  @Test
  void matchesMethodAndWholePath() throws IOException {
    RequestMatch match = new RequestMatch("put", "/b/.*\\.chunk");
    assertThat(match.test(head("PUT", "/b/x.chunk?partNumber=1"))).isTrue();
    assertThat(match.test(head("GET", "/b/x.chunk"))).isFalse();
    assertThat(match.test(head("PUT", "/b/x.chunks"))).isFalse();
    assertThat(new RequestMatch("*", "/b").test(head("HEAD", "/b"))).isTrue();
  }

  @Test
  void requiresAndExcludesQueryParameters() throws IOException {
    RequestMatch part2 = new RequestMatch("PUT", "/b/k");
    part2.require("partNumber=2");
    assertThat(part2.test(head("PUT", "/b/k?partNumber=2&uploadId=u"))).isTrue();
    assertThat(part2.test(head("PUT", "/b/k?partNumber=3&uploadId=u"))).isFalse();

    RequestMatch notAPart = new RequestMatch("PUT", "/b/k");
    notAPart.exclude("partNumber");
    assertThat(notAPart.test(head("PUT", "/b/k"))).isTrue();
    assertThat(notAPart.test(head("PUT", "/b/k?partNumber=1&uploadId=u"))).isFalse();
  }
}
