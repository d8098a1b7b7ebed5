package io.dbbackup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EqualPartsCheckTest {

  static RequestHead head(String method, String target, long length) throws IOException {
    return RequestHead.read(
        RequestHeadTest.stream(
            method + " " + target + " HTTP/1.1\r\nContent-Length: " + length + "\r\n\r\n"));
  }

  static RequestHead part(String upload, int n, long length) throws IOException {
    return head("PUT", "/b/k?partNumber=" + n + "&uploadId=" + upload, length);
  }

  static RequestHead complete(String upload) throws IOException {
    return head("POST", "/b/k?uploadId=" + upload, 100);
  }

  @Test
  void passesEqualPartsButTheLastInPartOrderAndListsThem() throws IOException {
    EqualPartsCheck check = new EqualPartsCheck();
    check.record(part("u", 3, 2));
    check.record(part("u", 1, 5));
    check.record(part("u", 2, 5));
    check.record(part("other", 1, 7));

    assertThat(check.passes(complete("u"))).isTrue();
    assertThat(check.completions()).containsExactly(List.of(5L, 5L, 2L));
  }

  @Test
  void refusesUnequalPartsAndListsNothing() throws IOException {
    EqualPartsCheck check = new EqualPartsCheck();
    check.record(part("u", 1, 5));
    check.record(part("u", 2, 4));
    check.record(part("u", 3, 5));

    assertThat(check.passes(complete("u"))).isFalse();
    assertThat(check.completions()).isEmpty();
  }

  @Test
  void anythingButACompletionPasses() throws IOException {
    EqualPartsCheck check = new EqualPartsCheck();
    check.record(part("u", 1, 5));
    check.record(part("u", 2, 4));
    check.record(part("u", 3, 5));
    check.record(head("PUT", "/b/k?partNumber=x&uploadId=u", 1));

    assertThat(check.passes(head("PUT", "/b/k?uploadId=u", 1))).isTrue();
    assertThat(check.passes(head("POST", "/b/k?delete", 1))).isTrue();
    assertThat(check.completions()).isEmpty();
  }
}
