package io.dbbackup.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Re2PatternTest {
  @Test
  void dollarEndsTheTextAsInTheApiServersRe2() {
    assertThat(Re2Pattern.compile("^[a-z]+$").matcher("abc").find()).isTrue();
    assertThat(Re2Pattern.compile("^[a-z]+$").matcher("abc\n").find()).isFalse();
    assertThat(Re2Pattern.compile("^[$a]+$").matcher("$a").find()).isTrue();
    assertThat(Re2Pattern.compile("^a\\$$").matcher("a$").find()).isTrue();
  }
}
