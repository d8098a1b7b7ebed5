package io.dbbackup.runner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunListener;
import io.dbbackup.runner.run.RunSettings;
import io.dbbackup.runner.support.S3FaultBucket;
import io.dbbackup.testing.FaultProxy;
import io.dbbackup.testing.FaultProxy.Rule;
import io.dbbackup.testing.PostgresExtension;
import io.dbbackup.testing.S3ProxyServer;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The fault matrix on S3: faults injected by a FaultProxy in front of the embedded S3 server. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3FaultMatrixIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  static final String BUCKET = "faults";
  static S3FaultBucket faults;
  static FaultProxy proxy;

  @TempDir static Path work;

  @BeforeAll
  static void setUp() throws IOException {
    faults = new S3FaultBucket(S3, BUCKET, PG.cluster(), work);
    proxy = faults.proxy();
    // ~13 MB of text, stored uncompressed: three 5 MiB parts.
    PG.cluster()
        .execute(
            "postgres",
            "CREATE TABLE bulk AS SELECT g, md5(g::text) || md5((g * 7)::text) AS v"
                + " FROM generate_series(1, 180000) g");
  }

  @AfterAll
  static void tearDown() {
    if (faults != null) {
      faults.close();
    }
  }

  @Test
  void a500OnEveryPartUploadExits6KeepsEarlierBackupsAndLeavesNoUpload() throws Exception {
    Path yaml = resource("part500", "retention: {days: 30, minKeep: 1}");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    List<String> before = S3.keys(BUCKET, "f/default/part500/");
    Rule part2 =
        proxy.add(Rule.on("PUT", ".*/dump\\.sql").withQuery("partNumber=2").status(500).always());
    int code = backupFaulted(yaml, Clock.systemUTC(), RunListener.NONE);
    assertThat(part2.fired()).isGreaterThanOrEqualTo(1);
    assertThat(code).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(S3.keys(BUCKET, "f/default/part500/")).containsExactlyElementsOf(before);
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertThat(history("part500")).isEqualTo("SUCCEEDED:-,FAILED:6");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    assertThat(history("part500")).isEqualTo("SUCCEEDED:-,FAILED:6,SUCCEEDED:-");
  }

  @Test
  void a500OnListDuringRetentionDeletesNothingAndKeepsTheNewBackup() throws Exception {
    Path yaml = resource("list500", "retention: {days: 1, minKeep: 1}");
    Instant now = Instant.now();
    assertThat(backup(yaml, Clock.fixed(now.minus(Duration.ofDays(5)), ZoneOffset.UTC), null))
        .isZero();
    List<String> before = S3.keys(BUCKET, "f/default/list500/");
    RunListener onRetention =
        onRetention(Rule.on("GET", "/" + BUCKET).withQuery("list-type").status(500).always());
    int code = backupFaulted(yaml, Clock.fixed(now, ZoneOffset.UTC), onRetention);
    // Either outcome is acceptable; acting on a partial listing is not.
    assertThat(code).isIn(0, ExitCode.STORAGE_FAILED.code());
    assertThat(S3.keys(BUCKET, "f/default/list500/")).containsAll(before);
    assertThat(
            S3.keys(BUCKET, "f/default/list500/").stream().filter(k -> k.endsWith("manifest.json")))
        .hasSize(2);
    assertThat(S3.openUploads(BUCKET)).isEmpty();
  }

  @Test
  void a503OnceOnAPartIsRetriedAndTheBackupSucceeds() throws Exception {
    Path yaml = resource("part503", "retention: {days: 30, minKeep: 1}");
    Rule once =
        proxy.add(
            Rule.on("PUT", ".*/part503/.*/dump\\.sql")
                .withQuery("partNumber=2")
                .status(503)
                .once());
    int code = backupFaulted(yaml, Clock.systemUTC(), RunListener.NONE);
    assertThat(once.fired()).isEqualTo(1);
    assertThat(code).isZero();
    assertThat(history("part503")).isEqualTo("SUCCEEDED:-");
    assertThat(S3.openUploads(BUCKET)).isEmpty();
  }

  @Test
  void a500OnAManifestGetDuringRetentionDeletesNothing() throws Exception {
    Path yaml = resource("get500", "retention: {days: 30, minKeep: 1}");
    Instant now = Instant.now();
    assertThat(backup(yaml, Clock.fixed(now.minus(Duration.ofDays(5)), ZoneOffset.UTC), null))
        .isZero();
    List<String> before = S3.keys(BUCKET, "f/default/get500/");
    RunListener onRetention =
        onRetention(Rule.on("GET", ".*/get500/.*/manifest\\.json").status(500).always());
    int code = backupFaulted(yaml, Clock.fixed(now, ZoneOffset.UTC), onRetention);
    // The new backup is stored and good; retention, with one folder it cannot read, deletes
    // nothing and the run ends with a warning.
    assertThat(code).isZero();
    assertThat(S3.keys(BUCKET, "f/default/get500/")).containsAll(before);
  }

  @Test
  void aStoreThatAcceptsAPartAndNeverAnswersEndsTheRunAtItsDeadline() throws Exception {
    Path yaml = resource("hang", "retention: {days: 30, minKeep: 1}");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    List<String> before = S3.keys(BUCKET, "f/default/hang/");
    Rule stall =
        proxy.add(
            Rule.on("PUT", ".*/hang/.*/dump\\.sql").withQuery("partNumber=2").stall().always());
    Duration timeout = Duration.ofSeconds(30);
    long t0 = System.nanoTime();
    int code = runFaulted(RunSettings.defaults().withTimeout(timeout), yaml);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(stall.fired()).as("the upload reached the stalled part").isGreaterThanOrEqualTo(1);
    assertThat(code).isEqualTo(ExitCode.TIMEOUT.code());
    // ended by the deadline (the SDK's own limits are minutes), within the 30 s of it
    assertThat(took).isLessThan(timeout.plusSeconds(30));
    assertThat(S3.keys(BUCKET, "f/default/hang/")).containsExactlyElementsOf(before);
    assertThat(history("hang")).isEqualTo("SUCCEEDED:-,FAILED:11");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    assertThat(history("hang")).isEqualTo("SUCCEEDED:-,FAILED:11,SUCCEEDED:-");
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertThat(S3.keys(BUCKET, "f/default/hang/")).containsAll(before);
    assertEveryFolderHasAManifest("hang", 2);
  }

  @Test
  void aSlowStoreAnsweringEveryRequestLateStillTakesTheBackup() throws Exception {
    Path yaml = resource("slow", "retention: {days: 30, minKeep: 1}");
    Rule slow = proxy.add(Rule.on("*", "/" + BUCKET + "(/.*)?").delay(Duration.ofMillis(200)));
    int code = backupFaulted(yaml, Clock.systemUTC(), RunListener.NONE);
    assertThat(slow.fired()).as("requests delayed").isGreaterThan(5);
    assertThat(code).isZero();
    assertThat(history("slow")).isEqualTo("SUCCEEDED:-");
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertEveryFolderHasAManifest("slow", 1);
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    assertEveryFolderHasAManifest("slow", 2);
  }

  @Test
  void a500OnTheManifestPutFailsTheRunAndLeavesNoBackupWithoutManifest() throws Exception {
    Path yaml = resource("mput500", "retention: {days: 30, minKeep: 1}");
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    List<String> before = S3.keys(BUCKET, "f/default/mput500/");
    Rule manifest = proxy.add(Rule.on("PUT", ".*/mput500/.*/manifest\\.json").status(500).always());
    int code = backupFaulted(yaml, Clock.systemUTC(), RunListener.NONE);
    assertThat(manifest.fired()).isGreaterThanOrEqualTo(1);
    assertThat(code).isEqualTo(ExitCode.STORAGE_FAILED.code());
    assertThat(history("mput500")).isEqualTo("SUCCEEDED:-,FAILED:6");
    // The earlier backup, byte for byte the same keys; the failed run's dump is not a backup.
    assertThat(S3.keys(BUCKET, "f/default/mput500/")).containsAll(before);
    assertThat(backup(yaml, Clock.systemUTC(), RunListener.NONE)).isZero();
    assertThat(history("mput500")).isEqualTo("SUCCEEDED:-,FAILED:6,SUCCEEDED:-");
    assertThat(S3.keys(BUCKET, "f/default/mput500/")).containsAll(before);
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertEveryFolderHasAManifest("mput500", 2);
  }

  @Test
  void threeFailedRunsInARowDeleteNoBackupThatMinKeepProtects() throws Exception {
    // days: 1, minKeep: 2; three good backups 10, 9 and 8 days old, all expired by days.
    Path yaml = resource("failing3", "retention: {days: 1, minKeep: 2}");
    Instant now = Instant.now();
    for (int d = 10; d >= 8; d--) {
      Clock then = Clock.fixed(now.minus(Duration.ofDays(d)), ZoneOffset.UTC);
      assertThat(backup(yaml, then, RunListener.NONE)).isZero();
    }
    // The third good run kept minKeep of them.
    List<String> good = manifests("failing3");
    assertThat(good).hasSize(2);
    List<String> before = S3.keys(BUCKET, "f/default/failing3/");
    proxy.add(Rule.on("PUT", ".*/failing3/.*/dump\\.sql").withQuery("partNumber=2").status(500));
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(backup(yaml, Clock.fixed(now, ZoneOffset.UTC), RunListener.NONE))
            .as("failed run %d", i + 1)
            .isEqualTo(ExitCode.STORAGE_FAILED.code());
        assertThat(S3.keys(BUCKET, "f/default/failing3/")).containsExactlyElementsOf(before);
      }
    } finally {
      proxy.clearRules();
    }
    assertThat(history("failing3"))
        .isEqualTo("SUCCEEDED:-,SUCCEEDED:-,SUCCEEDED:-,FAILED:6,FAILED:6,FAILED:6");
    // The next good run keeps itself and the newest earlier good backup: failed runs count for
    // nothing in minKeep.
    assertThat(backup(yaml, Clock.fixed(now, ZoneOffset.UTC), RunListener.NONE)).isZero();
    List<String> after = manifests("failing3");
    assertThat(after).hasSize(2).contains(good.get(1)).doesNotContain(good.get(0));
    assertThat(S3.openUploads(BUCKET)).isEmpty();
    assertEveryFolderHasAManifest("failing3", 2);
  }

  /** The manifest keys of {@code name}'s backups, oldest first. */
  static List<String> manifests(String name) {
    return S3.keys(BUCKET, "f/default/" + name + "/").stream()
        .filter(k -> k.endsWith("/manifest.json"))
        .sorted()
        .toList();
  }

  /** {@code name} has {@code backups} folders, each with a manifest (and nothing else is left). */
  static void assertEveryFolderHasAManifest(String name, int backups) {
    String root = "f/default/" + name + "/";
    List<String> folders =
        S3.keys(BUCKET, root).stream()
            .map(k -> k.substring(root.length()))
            .filter(k -> !k.startsWith(".state/"))
            .map(k -> k.substring(0, k.indexOf('/')))
            .distinct()
            .toList();
    assertThat(folders).hasSize(backups);
    for (String f : folders) {
      assertThat(S3.keys(BUCKET, root + f + "/")).as(f).contains(root + f + "/manifest.json");
    }
  }

  static int run(RunSettings settings, Path yaml) {
    return faults.backup(settings, yaml, new StringWriter());
  }

  static int backup(Path yaml, Clock clock, RunListener listener) {
    return run(settings(clock, listener), yaml);
  }

  /** {@link #backup} with the proxy's rules in place; they are cleared afterwards. */
  static int backupFaulted(Path yaml, Clock clock, RunListener listener) {
    return runFaulted(settings(clock, listener), yaml);
  }

  /** {@link #run} with the proxy's rules in place; they are cleared afterwards. */
  static int runFaulted(RunSettings settings, Path yaml) {
    try {
      return run(settings, yaml);
    } finally {
      proxy.clearRules();
    }
  }

  static RunSettings settings(Clock clock, RunListener listener) {
    RunSettings settings = RunSettings.defaults().withClock(clock);
    if (listener != null) {
      settings = settings.withListener(listener);
    }
    return settings;
  }

  /** A listener adding {@code rule} to the proxy when the run's retention phase starts. */
  static RunListener onRetention(Rule rule) {
    return new RunListener() {
      @Override
      public void phase(String phase) {
        if (phase.equals("retention")) {
          proxy.add(rule);
        }
      }
    };
  }

  static String history(String name) {
    return faults.history(name);
  }

  static Path resource(String name, String extra) throws IOException {
    return faults.write(faults.resource(name).spec(extra));
  }
}
