package io.dbbackup.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TyposTest {
  @Test
  void aTypoNamesTheFieldItLikelyMeant() {
    List<String> known = List.of("verify", "verification", "retries");
    assertThat(Typos.closest("verfy", known)).isEqualTo("verify");
    assertThat(Typos.closest("retires", known)).isEqualTo("retries");
    assertThat(Typos.closest("colour", known)).isNull();
  }
}
