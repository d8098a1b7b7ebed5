package io.dbbackup.runner.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChecksumFileTest {
  static final String SHA = "5c26723724ecdd6184ee41f4d26dfcc46d15376a3efb04503e357569d503c051";

  @Test
  void writesAndReadsTheSha256sumFormat() {
    ChecksumFile f = new ChecksumFile(SHA, "dump.sql.gz");
    String text = new String(f.encode(), StandardCharsets.UTF_8);
    assertThat(text).isEqualTo(SHA + "  dump.sql.gz\n");
    assertThat(ChecksumFile.parse(f.encode())).contains(f);
    assertThat(ChecksumFile.parse((SHA + " *dump.sql.gz").getBytes())).contains(f);
  }

  @Test
  void rejectsAnythingElse() {
    assertThat(ChecksumFile.parse("nonsense".getBytes())).isEmpty();
    assertThat(ChecksumFile.parse((SHA.substring(1) + "  f").getBytes())).isEmpty();
  }
}
