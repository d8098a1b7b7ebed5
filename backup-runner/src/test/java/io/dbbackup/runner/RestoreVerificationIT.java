package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.retention.RetentionPolicy;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestCodec;
import io.dbbackup.runner.store.ManifestException;
import io.dbbackup.runner.store.StoredManifests;
import io.dbbackup.runner.store.VolumeStore;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.runner.verify.ChecksumFile;
import io.dbbackup.runner.verify.restore.ScratchCluster;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verification by restore against real PostgreSQL: the backup is restored into a scratch cluster
 * started from the machine's server binaries and compared with what the dump held; a backup that
 * does not restore is kept, unverified, exits 7 and never counts as good; the scratch cluster
 * leaves nothing behind.
 */
class RestoreVerificationIT {
  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  static Path scratchRoot;

  /**
   * A CHECK calling a function that reads a table without naming its schema: fine on the source,
   * but pg_dump's script runs with an empty search_path, so the dump cannot be re-created.
   */
  static final String CHECK_READING_A_TABLE_WITHOUT_ITS_SCHEMA =
      """
      CREATE TABLE z_limits (max_qty int);
      INSERT INTO z_limits VALUES (10);
      CREATE FUNCTION qty_ok(q int) RETURNS boolean LANGUAGE sql
        AS 'SELECT q <= (SELECT max(max_qty) FROM z_limits)';
      CREATE TABLE a_items (id int, qty int CHECK (qty_ok(qty)));
      INSERT INTO a_items VALUES (1, 5);
      """;

  PostgresCluster pg;
  BackupFixture fixture;

  @BeforeAll
  static void scratchRoot() throws IOException {
    scratchRoot =
        Files.createTempDirectory(
            "dbbackup-scratch-it-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    System.setProperty("dbbackup.scratch.dir", scratchRoot.toString());
  }

  @AfterAll
  static void clearScratchRoot() throws IOException {
    System.clearProperty("dbbackup.scratch.dir");
    Files.deleteIfExists(scratchRoot);
  }

  @BeforeEach
  void setUp() {
    String server = PgTools.locate().program("postgres");
    assumeTrue(
        Files.isExecutable(Path.of(server)), "needs the PostgreSQL server binaries: " + server);
    pg = pgExtension.cluster();
    fixture = new BackupFixture(dir, pg).spec("verification: {mode: restore}");
  }

  @AfterEach
  void nothingLeftBehind() {
    assertThat(scratchFolders()).as("scratch folders left").isEmpty();
    assertThat(scratchServers()).as("scratch servers left").isEmpty();
  }

  @Test
  void aClusterWithSeveralDatabasesRolesLargeObjectsAndNonAsciiNamesRestoresAndVerifies()
      throws Exception {
    // History off here: its tables (in the source's postgres database) would change mid-run.
    fixture.spec("history: {enabled: false}");
    pg.execute("postgres", "CREATE ROLE alice LOGIN; CREATE ROLE \"Rôle Ünï\"");
    pg.execute("postgres", "CREATE DATABASE shop OWNER alice");
    pg.execute("postgres", "CREATE DATABASE \"Bücher ü\"");
    pg.execute(
        "shop",
        """
        CREATE TABLE orders (id int PRIMARY KEY, note text);
        INSERT INTO orders SELECT g, 'Bestellung Nr. ' || g || ' — ñ€ 日本' FROM generate_series(1, 1000) g;
        ALTER TABLE orders OWNER TO alice;
        CREATE TABLE parent (id int);
        CREATE TABLE child () INHERITS (parent);
        INSERT INTO parent VALUES (1), (2), (3);
        INSERT INTO child VALUES (4), (5), (6), (7);
        CREATE SCHEMA "Schéma";
        CREATE TABLE "Schéma"."Tabelle ""Ä"" (x)" (v text);
        INSERT INTO "Schéma"."Tabelle ""Ä"" (x)" VALUES (E'tab\\there'), (E'new\\nline'), (E'back\\\\slash \\\\.');
        SELECT lo_from_bytea(0, 'große Daten');
        SELECT lo_from_bytea(0, '\\x00ff00'::bytea);
        GRANT SELECT ON orders TO "Rôle Ünï";
        """);
    pg.execute(
        "Bücher ü",
        "CREATE TABLE \"Tïtel\" (t text); INSERT INTO \"Tïtel\" SELECT 'Ü' || g FROM generate_series(1, 5) g");
    // The oracle: the source's own catalogs, not the runner's counting.
    int databases =
        Integer.parseInt(
            pg.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname <> 'template0'"));
    int roles =
        Integer.parseInt(
            pg.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname !~ '^pg_'"));
    long rows =
        Long.parseLong(
                pg.psql(
                    "shop",
                    "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM parent)"
                        + " + (SELECT count(*) FROM \"Schéma\".\"Tabelle \"\"Ä\"\" (x)\")"))
            + Long.parseLong(pg.psql("Bücher ü", "SELECT count(*) FROM \"Tïtel\""));

    BackupFixture.Result result;
    try (LogCapture logs = LogCapture.open()) {
      result = fixture.backup();
      assertThat(result.exitCode()).as(logs.text()).isZero();
      assertThat(logs.events("restore_verified"))
          .singleElement()
          .asString()
          .contains("passed=true");
      assertThat(logs.text()).doesNotContain(pg.password());
    }
    Manifest m = manifest(fixture.folders().getFirst());
    assertThat(m.verified()).isTrue();
    assertThat(m.verification().mode()).isEqualTo("restore");
    Manifest.Restore r = m.verification().restore();
    assertThat(r.source()).isEqualTo("storage");
    assertThat(r.result()).isEqualTo("passed");
    assertThat(r.databases()).isEqualTo(databases);
    assertThat(r.roles()).isEqualTo(roles);
    assertThat(r.tables()).isEqualTo(tables("postgres") + tables("shop") + tables("Bücher ü"));
    assertThat(r.rows()).isEqualTo(rows);
    assertThat(r.largeObjects()).isEqualTo(2);
    assertThat(r.error()).isNull();
    assertThat(m.content().databases()).extracting(d -> d.name()).contains("shop", "Bücher ü");

    BackupFixture.Result list = fixture.run(BackupFixture.testSettings(), "list");
    assertThat(list.out()).contains(m.id()).contains(" restore ");

    // On demand, the same check passes on the stored backup.
    BackupFixture.Result verify =
        fixture.run(BackupFixture.testSettings(), "verify", "--restore", m.id());
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(verify.out())
        .contains("verified by restore")
        .contains(rows + " rows as in the dump");
  }

  @Test
  void aClusterWithATablespaceRestoresItIntoTheScratchFolder() throws Exception {
    Path ts = Files.createTempDirectory("dbbackup-ts-");
    try {
      if ("root".equals(System.getProperty("user.name"))) {
        // The source server runs as postgres (PostgresCluster) and must own its tablespace.
        assertThat(
                new ProcessBuilder("chown", "postgres:postgres", ts.toString()).start().waitFor())
            .isZero();
      }
      pg.execute("postgres", "CREATE TABLESPACE fast LOCATION '" + ts + "'");
      pg.execute("postgres", "CREATE DATABASE shop");
      pg.execute(
          "shop",
          "CREATE TABLE hot (id int) TABLESPACE fast;"
              + " INSERT INTO hot SELECT generate_series(1, 42)");
      BackupFixture.Result result = fixture.backup();
      assertThat(result.exitCode()).as(result.err()).isZero();
      Manifest m = manifest(fixture.folders().getFirst());
      assertThat(m.verification().restore().result()).isEqualTo("passed");
      assertThat(m.content().databases())
          .filteredOn(d -> d.name().equals("shop"))
          .singleElement()
          .extracting(d -> d.rows())
          .isEqualTo(42L);
      // The source's tablespace folder holds only what the source wrote there.
      try (Stream<Path> s = Files.list(ts)) {
        assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.startsWith("PG_"));
      }
    } finally {
      pg.execute("shop", "DROP TABLE IF EXISTS hot");
      pg.execute("postgres", "DROP DATABASE IF EXISTS shop");
      pg.execute("postgres", "DROP TABLESPACE IF EXISTS fast");
      try (Stream<Path> s = Files.walk(ts)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "check-constraint-function",
        "index-on-impure-immutable-function",
        "generated-column-function",
        "check-naming-a-dropped-role"
      })
  void aDumpThatCompletesButDoesNotRestoreIsKeptUnverifiedAndExits7(String source)
      throws Exception {
    pg.execute("postgres", "CREATE DATABASE shop");
    pg.execute("shop", "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)");
    BackupFixture.Result good = fixture.backup();
    assertThat(good.exitCode()).as(good.err()).isZero();

    // Each works on the source and is dumped without a complaint; none can be re-created as
    // dumped: the first three call a function that reads a table without naming its schema, and
    // pg_dump's scripts run with an empty search_path; the last holds rows naming a role dropped
    // since (nothing depends on a name in a text column), which pg_dumpall therefore does not
    // create, and the COPY's CHECK looks it up.
    switch (source) {
      case "check-constraint-function" ->
          pg.execute("shop", CHECK_READING_A_TABLE_WITHOUT_ITS_SCHEMA);
      case "index-on-impure-immutable-function" ->
          pg.execute(
              "shop",
              """
              CREATE TABLE codes (code text, label text);
              INSERT INTO codes VALUES ('a', 'Alpha');
              CREATE FUNCTION label_of(c text) RETURNS text IMMUTABLE LANGUAGE sql
                AS 'SELECT label FROM codes WHERE code = c';
              CREATE TABLE products (id int, code text);
              INSERT INTO products VALUES (1, 'a');
              CREATE INDEX products_label ON products (label_of(code));
              """);
      case "generated-column-function" ->
          // Refused by CREATE TABLE itself: the expression is inlined there.
          pg.execute(
              "shop",
              """
              CREATE TABLE z_factors (factor int);
              INSERT INTO z_factors VALUES (3);
              CREATE FUNCTION scaled(x int) RETURNS int IMMUTABLE LANGUAGE sql
                AS 'SELECT x * (SELECT max(factor) FROM z_factors)';
              CREATE TABLE a_prices (x int, y int GENERATED ALWAYS AS (scaled(x)) STORED);
              INSERT INTO a_prices (x) VALUES (2);
              """);
      case "check-naming-a-dropped-role" ->
          pg.execute(
              "shop",
              """
              CREATE ROLE auditor_gone;
              CREATE TABLE duties (task text, assignee text CHECK (assignee::regrole IS NOT NULL));
              INSERT INTO duties VALUES ('audit', 'auditor_gone');
              DROP ROLE auditor_gone;
              """);
      default -> throw new IllegalArgumentException(source);
    }
    String missing =
        switch (source) {
          case "check-constraint-function" -> "z_limits";
          case "index-on-impure-immutable-function" -> "codes";
          case "generated-column-function" -> "z_factors";
          default -> "auditor_gone";
        };

    BackupFixture.Result bad;
    try (LogCapture logs = LogCapture.open()) {
      bad = fixture.backup();
      assertThat(bad.exitCode()).as(logs.text()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
      assertThat(logs.events("run_failed"))
          .singleElement()
          .asString()
          .contains("failed verification by restore and is kept")
          .contains(missing)
          .contains("does not exist");
    }

    List<Path> folders = fixture.folders();
    assertThat(folders).hasSize(2);
    Manifest first = manifest(folders.get(0));
    Manifest second = manifest(folders.get(1));
    assertThat(first.verified()).isTrue();
    assertThat(first.verificationFailed()).isFalse();
    assertThat(Files.exists(folders.get(1).resolve(second.file()))).as("kept").isTrue();
    assertThat(second.verified()).isFalse();
    assertThat(second.verificationFailed()).isTrue();
    assertThat(second.verification().restore().error()).contains(missing);
    // The error is psql's first ERROR line, not what follows it (CONTEXT may quote data).
    assertThat(second.verification().restore().error())
        .contains("ERROR:")
        .doesNotContain("CONTEXT")
        .doesNotContain("\n");

    // Its manifest is format 2, which the runners before it refuse: none of them can count it as
    // a good backup (they ignore `verification`). The good one stays format 1, which they read.
    assertThat(first.formatVersion()).isEqualTo(Manifest.FORMAT_VERSION);
    assertThat(second.formatVersion()).isEqualTo(Manifest.FORMAT_VERSION_UNVERIFIED);
    assertThat(StoredManifests.decodeAsFormat1Reader(folders.get(0)).id()).isEqualTo(first.id());
    assertThatThrownBy(() -> StoredManifests.decodeAsFormat1Reader(folders.get(1)))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("field formatVersion: 2 is newer than this runner reads (1)");

    // The history rows say how each was verified, with the dump's counts.
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || verification_mode || ' ' || verification_source || ' '"
                    + " || verification_result || ' ' || coalesce(verified::text, '-') || ' '"
                    + " || (verification_tables > 0) || ' ' || coalesce(error_code, 0)"
                    + " FROM dbbackup.backup_history ORDER BY started_at, backup_id"))
        .isEqualTo(
            "SUCCEEDED restore storage passed true true 0\n"
                + "FAILED restore storage failed false true 7");

    VolumeStore store = new VolumeStore(fixture.target(), "shop", "orders-db");
    Catalog catalog = Catalog.read(store);
    assertThat(catalog.latest()).map(Manifest::id).contains(first.id());
    // Two days on, both expired, minKeep 1: the good one is the one kept.
    Instant later = Instant.now().plus(Duration.ofDays(2));
    List<RetentionPolicy.Deletion> plan =
        new RetentionPolicy(1, 1, Duration.ofHours(1))
            .plan(catalog, later, BackupId.generate(later));
    assertThat(plan).extracting(d -> d.id().value()).containsExactly(second.id());

    BackupFixture.Result list = fixture.run(BackupFixture.testSettings(), "list");
    assertThat(list.out().lines().filter(l -> l.startsWith(second.id())))
        .singleElement()
        .asString()
        .contains("FAILED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"passphrase", "public-key-with-verify-key"})
  void anEncryptedBackupIsDecryptedFromStorageRestoredAndVerified(String mode) throws Exception {
    assumeTrue(StockToolsOnPath.has("gpg"), "needs gpg to make the keys");
    pg.execute("postgres", "CREATE DATABASE shop");
    pg.execute(
        "shop", "CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 321)");
    if (mode.equals("passphrase")) {
      fixture.spec("encryption: {passphraseSecretRef: {name: backup-pass, key: passphrase}}");
      secret("backup-pass", "passphrase", "correct horse battery staple\n");
    } else {
      try (io.dbbackup.runner.support.Gpg gpg =
          new io.dbbackup.runner.support.Gpg(dir.resolve("gnupg"))) {
        io.dbbackup.runner.support.Gpg.Key alice =
            gpg.generate("alice@backup.test", "future-default");
        secret("backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
        secret("verify-key", "key.asc", gpg.exportSecret(alice.fingerprint(), ""));
      }
      fixture.spec(
          "encryption: {publicKeysSecretRef: {name: backup-pubkeys},"
              + " verifyPrivateKeySecretRef: {name: verify-key, key: key.asc}}");
    }
    BackupFixture.Result result = fixture.backup();
    assertThat(result.exitCode()).as(result.err()).isZero();
    Manifest m = manifest(fixture.folders().getFirst());
    assertThat(m.encrypted()).isTrue();
    assertThat(m.verification().restore().result()).isEqualTo("passed");
    assertThat(m.verification().restore().source()).isEqualTo("storage");
    assertThat(m.content().databases())
        .filteredOn(d -> d.name().equals("shop"))
        .singleElement()
        .extracting(d -> d.rows())
        .isEqualTo(321L);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBackupEncryptedToPublicKeysOnlyIsRestoredWhileItIsDumped(boolean breaks) throws Exception {
    assumeTrue(StockToolsOnPath.has("gpg"), "needs gpg to make the key");
    try (io.dbbackup.runner.support.Gpg gpg =
        new io.dbbackup.runner.support.Gpg(dir.resolve("gnupg"))) {
      io.dbbackup.runner.support.Gpg.Key alice =
          gpg.generate("alice@backup.test", "future-default");
      secret("backup-pubkeys", "alice.asc", gpg.exportPublic(alice.fingerprint()));
    }
    fixture.spec("encryption: {publicKeysSecretRef: {name: backup-pubkeys}}");
    pg.execute("postgres", "CREATE DATABASE shop");
    pg.execute(
        "shop", "CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 777)");
    if (breaks) {
      pg.execute("shop", CHECK_READING_A_TABLE_WITHOUT_ITS_SCHEMA);
    }
    BackupFixture.Result result = fixture.backup();
    Manifest m = manifest(fixture.folders().getFirst());
    assertThat(m.encrypted()).isTrue();
    Manifest.Restore r = m.verification().restore();
    assertThat(r.source()).isEqualTo("stream");
    if (breaks) {
      assertThat(result.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
      assertThat(r.result()).isEqualTo("failed");
      assertThat(r.error()).contains("z_limits");
      assertThat(m.verified()).isFalse();
    } else {
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(r.result()).isEqualTo("passed");
      assertThat(m.verified()).isTrue();
      assertThat(m.verification().message()).contains("OpenPGP structure complete");
      assertThat(m.content().databases())
          .filteredOn(d -> d.name().equals("shop"))
          .singleElement()
          .extracting(d -> d.rows())
          .isEqualTo(777L);
    }
  }

  @Test
  void tooLittleScratchSpaceForTheRestoreFailsBeforeDumpingWithBothFigures() throws Exception {
    Path small = Files.createTempDirectory(scratchRoot, "small-");
    boolean mounted =
        new ProcessBuilder(
                    "mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", small.toString())
                .inheritIO()
                .start()
                .waitFor()
            == 0;
    assumeTrue(mounted, "needs to mount a small tmpfs (root with CAP_SYS_ADMIN)");
    try {
      System.setProperty("dbbackup.scratch.dir", small.toString());
      BackupFixture.Result result;
      try (LogCapture logs = LogCapture.open()) {
        result = fixture.backup();
        assertThat(result.exitCode()).as(logs.text()).isEqualTo(ExitCode.NOT_ENOUGH_SPACE.code());
        assertThat(logs.events("dump_start")).as("nothing dumped").isEmpty();
        assertThat(logs.text())
            .contains("not enough scratch space in " + small + " for verification by restore")
            .containsPattern("[0-9.]+ ?[KMG]i?B free, [0-9.]+ ?[KMG]i?B required");
      }
      assertThat(fixture.folders()).as("no backup folder").isEmpty();
    } finally {
      System.setProperty("dbbackup.scratch.dir", scratchRoot.toString());
      new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
      Files.deleteIfExists(small);
    }
  }

  private void secret(String secret, String key, String value) throws IOException {
    Path file = fixture.secretsDir().resolve(secret).resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }

  /** Whether a program is on the PATH. */
  static final class StockToolsOnPath {
    static boolean has(String program) {
      for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        if (Files.isExecutable(Path.of(d, program))) {
          return true;
        }
      }
      return false;
    }
  }

  @Test
  void countsThatDifferFromTheDumpAreCaughtEvenWithTheChecksumsForged() throws Exception {
    // Without history: the SHA-256 recorded there would give the forgery away before the counts.
    fixture.spec("history: {enabled: false}");
    pg.execute("postgres", "CREATE DATABASE shop");
    pg.execute(
        "shop",
        "CREATE TABLE orders (id int, note text);"
            + " INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 50) g");
    BackupFixture.Result good = fixture.backup();
    assertThat(good.exitCode()).as(good.err()).isZero();
    Path folder = fixture.folders().getFirst();
    Manifest m = manifest(folder);

    // Drop one COPY row of orders, re-compress, and forge the checksum file and the manifest's
    // hashes and sizes to match: every checksum agrees, only the counts can tell.
    Path dump = folder.resolve(m.file());
    Path plain = dir.resolve("dump.sql");
    try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(dump))) {
      Files.write(plain, in.readAllBytes());
    }
    List<String> lines = Files.readAllLines(plain);
    int row = lines.indexOf("25\tn25");
    assertThat(row).as("the row is in the dump").isPositive();
    lines.remove(row);
    byte[] altered =
        (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(altered);
    }
    Files.write(dump, gz.toByteArray());
    String storedSha = sha256(gz.toByteArray());
    Files.writeString(
        folder.resolve(ChecksumFile.nameFor(m.file())), storedSha + "  " + m.file() + "\n");
    Manifest forged =
        m.toBuilder()
            .dumpBytes(altered.length)
            .storedBytes(gz.size())
            .sha256(storedSha)
            .plainSha256(sha256(altered))
            .incremental(null)
            .build();
    Files.write(folder.resolve(Manifest.FILE_NAME), ManifestCodec.encode(forged));

    BackupFixture.Result checksum = fixture.run(BackupFixture.testSettings(), "verify", m.id());
    assertThat(checksum.exitCode()).as("the checksums agree: " + checksum.err()).isZero();

    BackupFixture.Result restore =
        fixture.run(BackupFixture.testSettings(), "verify", "--restore", m.id());
    assertThat(restore.exitCode()).as(restore.err()).isEqualTo(ExitCode.VERIFICATION_FAILED.code());
    assertThat(restore.err())
        .contains("public.orders")
        .contains("50 rows in the dump, 49 restored");
  }

  /**
   * A database shop whose table has a CHECK that sleeps for an hour wherever test.fast is not set:
   * in the scratch cluster, so the restore of its dump hangs there.
   */
  private void shopWithASleepingCheck() {
    pg.execute("postgres", "CREATE DATABASE shop");
    pg.execute(
        "shop",
        """
        CREATE FUNCTION slow_ok(v int) RETURNS boolean LANGUAGE sql
          AS $$ SELECT current_setting('test.fast', true) = 'on' OR (SELECT true FROM pg_sleep(3600)) $$;
        SET test.fast = 'on';
        CREATE TABLE t (v int CHECK (slow_ok(v)));
        INSERT INTO t VALUES (1);
        """);
  }

  @Test
  void aRestoreStoppedAtTheTimeoutLeavesNoServerAndNoFiles() throws Exception {
    shopWithASleepingCheck();
    AtomicBoolean restoring = new AtomicBoolean();
    RunListener listener =
        new RunListener() {
          @Override
          public void phase(String phase) {
            if (phase.equals("verify")) {
              restoring.set(true);
            }
          }
        };
    BackupFixture.Result result =
        fixture.backup(
            BackupFixture.testSettings()
                .withListener(listener)
                .withTimeout(Duration.ofSeconds(40)));
    assertThat(restoring).as("the run reached the restore").isTrue();
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.TIMEOUT.code());
    // nothingLeftBehind() checks the scratch cluster is gone.
  }

  @Test
  void aScratchClusterWhoseRunnerWasKilledIsRemovedByTheNextRun() throws Exception {
    ScratchCluster orphan =
        ScratchCluster.start(
            PgTools.locate(), scratchRoot, "dbbackup_verify", Duration.ofMinutes(2));
    try {
      assertThat(orphan.running()).isTrue();
      assertThat(scratchServers()).isNotEmpty();
      // As a SIGKILLed runner leaves it: owned by a process that is gone.
      Files.writeString(orphan.dir().resolve("owner"), "999999999 2001-01-01T00:00:00Z\n");
      pg.execute("postgres", "CREATE DATABASE shop");
      BackupFixture.Result next = fixture.backup();
      assertThat(next.exitCode()).as(next.err()).isZero();
      assertThat(Files.exists(orphan.dir())).as("swept").isFalse();
    } finally {
      orphan.close();
    }
  }

  /** The ordinary tables of a database, from its catalog: pg_dump writes COPY data for each. */
  private int tables(String database) {
    return Integer.parseInt(
        pg.psql(
            database,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                + " AND n.nspname !~ '^pg_toast'"));
  }

  @Test
  void aSigkilledRunnerLeavesNoScratchServerAndTheNextRunRemovesItsFolder() throws Exception {
    shopWithASleepingCheck();
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Ddbbackup.scratch.dir=" + scratchRoot,
            "-cp",
            System.getProperty("java.class.path"),
            RunnerMain.class.getName(),
            "backup",
            "-f",
            fixture.writeConfig().toString(),
            "--secrets-dir",
            fixture.secretsDir().toString());
    Process child =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      child.getOutputStream().close();
      // The restore hangs in the sleeping CHECK: the scratch server is up.
      long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (scratchServersNow().isEmpty() && System.nanoTime() < until && child.isAlive()) {
        Thread.sleep(100);
      }
      assertThat(scratchServersNow())
          .as("a scratch server runs: %s", Files.readString(dir.resolve("child.log")))
          .isNotEmpty();
      child.destroyForcibly(); // SIGKILL: no chance to clean up
      assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    // With the runner gone its watcher stops the server; only the folder is left.
    assertThat(scratchServers()).as("scratch servers after SIGKILL").isEmpty();
    assertThat(scratchFolders()).hasSize(1);

    pg.execute("shop", "DROP TABLE t; DROP FUNCTION slow_ok(int)");
    BackupFixture.Result next = fixture.backup();
    assertThat(next.exitCode()).as(next.err()).isZero();
    // nothingLeftBehind(): the next run swept the killed one's folder.
  }

  @Test
  void sigtermWhileTheScratchClusterRestoresStopsItRemovesItsFolderAndEndsTheRunAsTerminated()
      throws Exception {
    shopWithASleepingCheck();
    RunStopIT.Child child =
        RunStopIT.Child.start(
            List.of("-Ddbbackup.scratch.dir=" + scratchRoot),
            List.of(
                "backup",
                "-f",
                fixture.writeConfig().toString(),
                "--secrets-dir",
                fixture.secretsDir().toString()));
    try {
      // The restore hangs in the sleeping CHECK: the scratch server is up and psql restoring
      // (not initdb: a stop then is another case), psql's conninfo naming the scratch folder.
      long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!psqlRestoring() && System.nanoTime() < until && child.process().isAlive()) {
        Thread.sleep(100);
      }
      assertThat(psqlRestoring()).as("psql restores: %s", child.output()).isTrue();
      assertThat(scratchFolders()).hasSize(1);
      // SIGTERM, as the kubelet sends it (Process.destroy() would also close the output's pipe).
      child.process().toHandle().destroy();
      assertThat(child.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("exited after SIGTERM: %s", child.output())
          .isTrue();
    } finally {
      child.process().destroyForcibly();
    }
    assertThat(child.process().exitValue()).as(child.output()).isEqualTo(ExitCode.FAILED.code());
    child.drained();
    // One log line for the stop; the stderr line for people may follow it, or not if the exit
    // hook ends first, so only the log lines are counted.
    assertThat(child.lines().stream().filter(l -> l.startsWith("ts=") && l.contains("SIGTERM")))
        .as(child.output())
        .hasSize(1)
        .allSatisfy(l -> assertThat(l).contains("event=terminated").contains("exit_code=1"));
    // The scratch server, its psql and its watcher are gone (scratchServers() waits up to 10 s for
    // processes reparented elsewhere), and so is the folder.
    assertThat(scratchServers()).as("processes of the scratch cluster").isEmpty();
    assertThat(scratchFolders()).as("scratch folders").isEmpty();
    // Never a verified, or any, backup: the stored dump had no manifest yet, and is removed.
    assertThat(Catalog.read(new VolumeStore(fixture.target(), "shop", "orders-db")).backups())
        .isEmpty();
    assertThat(
            pg.psql(
                "postgres",
                "SELECT status || ' ' || error_code || ' ' || error_message FROM"
                    + " dbbackup.backup_history"))
        .startsWith("FAILED 1 terminated by SIGTERM");

    pg.execute("shop", "DROP TABLE t; DROP FUNCTION slow_ok(int)");
    BackupFixture.Result next = fixture.backup();
    assertThat(next.exitCode()).as(next.err()).isZero();
  }

  private static boolean psqlRestoring() {
    return scratchServersNow().stream()
        .anyMatch(p -> p.info().command().map(c -> c.endsWith("/psql")).orElse(false));
  }

  private static List<ProcessHandle> scratchServersNow() {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains(scratchRoot.resolve(ScratchCluster.PREFIX).toString()))
                    .orElse(false))
        .toList();
  }

  private static Manifest manifest(Path folder) throws IOException {
    try (InputStream in = Files.newInputStream(folder.resolve(Manifest.FILE_NAME))) {
      return ManifestCodec.decode(in);
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static List<Path> scratchFolders() {
    try (Stream<Path> s = Files.list(scratchRoot)) {
      return s.filter(p -> p.getFileName().toString().startsWith(ScratchCluster.PREFIX)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Postmasters whose data directory is a scratch cluster's (wherever they were reparented). */
  private static List<ProcessHandle> scratchServers() {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<ProcessHandle> found;
    do {
      found =
          ProcessHandle.allProcesses()
              .filter(p -> p.isAlive())
              .filter(
                  p ->
                      p.info()
                          .commandLine()
                          .map(
                              c ->
                                  c.contains(scratchRoot.resolve(ScratchCluster.PREFIX).toString()))
                          .orElse(false))
              .toList();
      if (found.isEmpty()) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return found;
      }
    } while (System.nanoTime() < until);
    return found;
  }
}
