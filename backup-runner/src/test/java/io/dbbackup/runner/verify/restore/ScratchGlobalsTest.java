package io.dbbackup.runner.verify.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A dump's tablespaces move into the scratch folder; nothing else changes. */
class ScratchGlobalsTest {
  static final String SCRIPT =
      """
      CREATE ROLE shop;
      CREATE TABLESPACE fast OWNER postgres LOCATION '/mnt/ssd/pg';
      CREATE TABLESPACE "Säle ""x""\" OWNER shop LOCATION '/mnt/it''s';
      \\connect template1
      CREATE TABLESPACE not_globals OWNER postgres LOCATION '/kept';
      """;

  @Test
  void tablespacesOfTheGlobalsGetScratchFoldersWhateverTheChunking() throws Exception {
    byte[] bytes = SCRIPT.getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 5, bytes.length}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ScratchGlobals g = new ScratchGlobals(out, n -> Path.of("/scratch/ts/" + n));
      for (int i = 0; i < bytes.length; i += chunk) {
        g.write(bytes, i, Math.min(chunk, bytes.length - i));
      }
      g.close();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              SCRIPT
                  .replace("'/mnt/ssd/pg'", "'/scratch/ts/1'")
                  .replace("'/mnt/it''s'", "'/scratch/ts/2'"));
      assertThat(g.tablespaces()).isEqualTo(2);
    }
  }
}
