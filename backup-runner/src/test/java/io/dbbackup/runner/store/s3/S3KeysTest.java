package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.store.BackupId;
import org.junit.jupiter.api.Test;

class S3KeysTest {
  final BackupId id = BackupId.parse("20261124T020000Z-7f3a").orElseThrow();

  @Test
  void layoutIsPrefixNamespaceNameIdFile() {
    S3Keys keys = S3Keys.of("b", "shop/orders", "shop", "orders-db");
    assertThat(keys.key(id, "dump.sql.gz"))
        .isEqualTo("shop/orders/shop/orders-db/20261124T020000Z-7f3a/dump.sql.gz");
    assertThat(keys.state("pending-history-x.json"))
        .isEqualTo("shop/orders/shop/orders-db/.state/pending-history-x.json");
    assertThat(keys.url(keys.key(id, "manifest.json")))
        .isEqualTo("s3://b/shop/orders/shop/orders-db/20261124T020000Z-7f3a/manifest.json");
  }

  @Test
  void aFileNameThatCouldLeaveTheBackupsPrefixIsRefused() {
    S3Keys keys = S3Keys.of("b", "shop/orders", "shop", "orders-db");
    for (String name : new String[] {"../20261123T020000Z-0001/dump.sql.gz", "..", "a/b", ""}) {
      assertThatThrownBy(() -> keys.key(id, name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("refused file name");
    }
  }

  @Test
  void anEmptyPrefixPutsTheNamespaceAtTheTop() {
    S3Keys keys = S3Keys.of("b", "", "shop", "orders-db");
    assertThat(keys.folder(id)).isEqualTo("shop/orders-db/20261124T020000Z-7f3a/");
    assertThat(S3Keys.of("b", null, "shop", "orders-db")).isEqualTo(keys);
  }

  @Test
  void onlyBackupFoldersAreBackups() {
    S3Keys keys = S3Keys.of("b", "p", "shop", "orders-db");
    assertThat(keys.idOf("p/shop/orders-db/20261124T020000Z-7f3a/")).contains(id);
    assertThat(keys.idOf("p/shop/orders-db/.state/")).isEmpty();
    assertThat(keys.idOf("p/shop/orders-db/notes/")).isEmpty();
    assertThat(keys.idOf("p/shop/other-db/20261124T020000Z-7f3a/")).isEmpty();
  }
}
