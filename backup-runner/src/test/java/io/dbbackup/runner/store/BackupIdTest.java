package io.dbbackup.runner.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupIdTest {
  @Test
  void idsAreTheUtcStartSecondAndFourHexDigitsAndParseBack() {
    BackupId id = BackupId.generate(Instant.parse("2026-11-24T02:00:00.789Z"));
    assertThat(id.value()).matches("20261124T020000Z-[0-9a-f]{4}");
    assertThat(BackupId.parse(id.value())).contains(id);
    assertThat(id.startTime()).isEqualTo(Instant.parse("2026-11-24T02:00:00Z"));
  }

  @Test
  void foldersOfOtherShapesAreNotBackups() {
    assertThat(BackupId.parse(".state")).isEmpty();
    assertThat(BackupId.parse("20261124T020000Z")).isEmpty();
    assertThat(BackupId.parse("20261324T020000Z-abcd")).isEmpty();
    assertThat(BackupId.parse("lost+found")).isEmpty();
  }
}
