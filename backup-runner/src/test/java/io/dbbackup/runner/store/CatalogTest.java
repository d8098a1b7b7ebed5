package io.dbbackup.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a store's folders are classified: good, proven incomplete, or unreadable and kept. */
class CatalogTest {
  static final Instant T0 = Instant.parse("2026-11-20T02:00:00Z");

  @TempDir Path base;

  VolumeStore volume() {
    return new VolumeStore(base, "ns", "db");
  }

  /** The store, except that the calls named fail as a storage error would (an HTTP 500). */
  static BackupStore failing(BackupStore store, BackupId id, Set<String> methods) {
    return (BackupStore)
        Proxy.newProxyInstance(
            BackupStore.class.getClassLoader(),
            new Class<?>[] {BackupStore.class},
            (proxy, method, args) -> {
              if (methods.contains(method.getName())
                  && (args == null || args.length == 0 || id.equals(args[0]))) {
                throw new IOException("500 Internal Server Error");
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aFolderIsIncompleteOnlyWhenItsManifestIsShownAbsent() throws Exception {
    VolumeStore store = volume();
    BackupId good = StoredManifests.writeGood(store, T0);
    BackupId empty = BackupId.generate(T0.plusSeconds(3600));
    Files.createDirectories(store.folder(empty));
    Catalog c = Catalog.read(store);
    assertThat(c.backups()).extracting(Manifest::id).containsExactly(good.value());
    assertThat(c.incomplete()).containsExactly(empty);
    assertThat(c.unreadable()).isEmpty();
    assertThat(c.complete()).isTrue();
  }

  @Test
  void anUnparsableOrForeignManifestIsUnreadableNeverIncomplete() throws Exception {
    VolumeStore store = volume();
    BackupId garbage = BackupId.generate(T0);
    StoredManifests.write(store, garbage, "{not json".getBytes());
    BackupId otherId =
        StoredManifests.writeEdited(store, T0.plusSeconds(60), t -> t.put("id", "x"));
    Catalog c = Catalog.read(store);
    assertThat(c.incomplete()).isEmpty();
    assertThat(c.unreadable()).extracting(Catalog.Unreadable::id).containsExactly(garbage, otherId);
    assertThat(c.unreadable()).allMatch(Catalog.Unreadable::invalid);
    assertThat(c.unreadable().get(0).reason())
        .contains(garbage.value() + "/manifest.json")
        .contains("not valid JSON");
    assertThat(c.complete()).isFalse();
  }

  @Test
  void aManifestThatCannotBeFetchedIsUnreadableAndKept() throws Exception {
    VolumeStore store = volume();
    BackupId flaky = StoredManifests.writeGood(store, T0);
    BackupId fine = StoredManifests.writeGood(store, T0.plusSeconds(86400));
    Catalog c = Catalog.read(failing(store, flaky, Set.of("open")));
    assertThat(c.backups()).extracting(Manifest::backupId).containsExactly(fine);
    assertThat(c.incomplete()).isEmpty();
    assertThat(c.unreadable())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.id()).isEqualTo(flaky);
              assertThat(u.invalid()).isFalse();
              assertThat(u.reason()).contains("500 Internal Server Error");
            });
  }

  @Test
  void aLookupThatFailsIsNotTakenForAnAbsentManifest() throws Exception {
    VolumeStore store = volume();
    BackupId flaky = StoredManifests.writeGood(store, T0);
    Catalog c = Catalog.read(failing(store, flaky, Set.of("exists")));
    assertThat(c.incomplete()).isEmpty();
    assertThat(c.unreadable()).extracting(Catalog.Unreadable::id).containsExactly(flaky);
  }

  @Test
  void aListingThatFailsFailsTheWholeRead() {
    BackupStore store = failing(volume(), null, Set.of("listIds"));
    assertThatThrownBy(() -> Catalog.read(store)).isInstanceOf(IOException.class);
  }

  @Test
  void latestIsTheNewestIdNotTheNewestClaimedStartTime() throws Exception {
    VolumeStore store = volume();
    BackupId older = StoredManifests.writeGood(store, T0);
    BackupId newer = StoredManifests.writeGood(store, T0.plusSeconds(86400));
    Catalog c = Catalog.read(store);
    assertThat(c.pick("latest")).map(Manifest::backupId).contains(newer);
    assertThat(c.backups()).extracting(Manifest::backupId).containsExactly(newer, older);

    // An old folder whose manifest claims the year 2999 is refused, not taken for the latest.
    BackupId claims2999 =
        StoredManifests.writeEdited(
            store, T0.minusSeconds(86400), t -> t.put("startTime", "2999-01-01T00:00:00Z"));
    Catalog tampered = Catalog.read(store);
    assertThat(tampered.pick("latest")).map(Manifest::backupId).contains(newer);
    assertThat(tampered.unreadable())
        .extracting(Catalog.Unreadable::id)
        .containsExactly(claims2999);
    assertThatThrownBy(() -> tampered.pick(claims2999.value()))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("field startTime")
        .satisfies(
            e ->
                assertThat(((RunnerException) e).exitCode())
                    .isEqualTo(ExitCode.VERIFICATION_FAILED));
  }

  @Test
  void latestIsRefusedWhenTheNewestFolderCannotBeTrustedRatherThanFallingBackSilently()
      throws Exception {
    VolumeStore store = volume();
    StoredManifests.writeGood(store, T0);
    BackupId newest =
        StoredManifests.writeEdited(
            store, T0.plusSeconds(86400), t -> t.put("file", "../../../../etc/passwd"));
    Catalog c = Catalog.read(store);
    assertThatThrownBy(() -> c.pick("latest"))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("backup " + newest + " (the latest)")
        .hasMessageContaining("field file");

    Catalog flaky = Catalog.read(failing(store, newest, Set.of("open")));
    assertThatThrownBy(() -> flaky.pick("latest"))
        .isInstanceOf(RunnerException.class)
        .satisfies(
            e -> assertThat(((RunnerException) e).exitCode()).isEqualTo(ExitCode.STORAGE_FAILED));
  }

  @Test
  void theStoreRefusesNamesThatLeaveTheBackupsFolder() throws Exception {
    VolumeStore store = volume();
    BackupId id = StoredManifests.writeGood(store, T0);
    Files.writeString(store.root().resolve("secret"), "not yours");
    for (String name : new String[] {"../secret", "/etc/passwd", "..", ".", "a/b", ""}) {
      assertThatThrownBy(() -> store.open(id, name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("refused file name");
      assertThatThrownBy(() -> store.exists(id, name)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theStoreDoesNotFollowASymbolicLinkOutOfTheFolder() throws Exception {
    VolumeStore store = volume();
    BackupId id = StoredManifests.writeGood(store, T0);
    Path outside = base.resolve("passwd");
    Files.writeString(outside, "root:x:0:0");
    Files.delete(store.folder(id).resolve("dump.sql.gz"));
    Files.createSymbolicLink(store.folder(id).resolve("dump.sql.gz"), outside);
    assertThatThrownBy(
            () -> {
              try (InputStream in = store.open(id, "dump.sql.gz")) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(IOException.class);
    // A linked folder is not one of ours: neither listed nor read.
    BackupId linked = BackupId.generate(T0.plusSeconds(7200));
    Files.createSymbolicLink(store.folder(linked), store.folder(id));
    assertThat(store.listIds()).containsExactly(id);
  }
}
