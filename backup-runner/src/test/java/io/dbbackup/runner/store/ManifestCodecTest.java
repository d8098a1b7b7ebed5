package io.dbbackup.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a manifest read from storage must be before anything acts on it. */
class ManifestCodecTest {
  static final Instant START = Instant.parse("2026-11-24T02:00:00.250Z");
  static final BackupId ID = BackupId.parse("20261124T020000Z-7f3a").orElseThrow();

  static Manifest read(Consumer<ObjectNode> edit) throws Exception {
    return StoredManifests.decode(
        ID, StoredManifests.edited(StoredManifests.manifest(ID, START), edit));
  }

  static void refused(Consumer<ObjectNode> edit, String field, String message) {
    assertThatThrownBy(() -> read(edit))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("test/manifest.json: field " + field + ": ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ManifestException) e).field()).isEqualTo(field));
  }

  @Test
  void aSoundManifestReadsBackAsWritten() throws Exception {
    Manifest m = read(t -> {});
    assertThat(m).isEqualTo(StoredManifests.manifest(ID, START));
  }

  @Test
  void unknownFieldsAreIgnoredSoANewerMinorWriterIsRead() throws Exception {
    assertThat(read(t -> t.put("auditChainHash", "abc")).id()).isEqualTo(ID.value());
  }

  @Test
  void aFormatNewerThanTheRunnerKnowsIsRefusedByName() {
    refused(t -> t.put("formatVersion", 99), "formatVersion", "99 is newer than this runner");
    refused(t -> t.put("formatVersion", 0), "formatVersion", "expected 1 to 2");
    refused(t -> t.put("formatVersion", "1"), "formatVersion", "expected an integer");
  }

  @Test
  void aBackupThatFailedVerificationIsFormat2WhichOlderRunnersRefuseAndThisOneReads()
      throws Exception {
    Manifest failed = withRestore(StoredManifests.manifest(ID, START));
    assertThat(Manifest.formatVersionFor(failed.verification()))
        .isEqualTo(Manifest.FORMAT_VERSION_UNVERIFIED);
    assertThat(Manifest.formatVersionFor(StoredManifests.manifest(ID, START).verification()))
        .isEqualTo(Manifest.FORMAT_VERSION);
    byte[] written = StoredManifests.edited(failed, t -> t.put("formatVersion", 2));
    assertThat(StoredManifests.decode(ID, written).verificationFailed()).isTrue();
    // The reading rules of every runner before format 2: refused, so never a good backup there.
    assertThatThrownBy(
            () ->
                ManifestCodec.decode(
                    new java.io.ByteArrayInputStream(written), "old/manifest.json", 1))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("field formatVersion: 2 is newer than this runner reads (1)");
    // Format 2 claims a failed verification; one that says it passed is not trusted.
    refused(
        t -> t.put("formatVersion", 2),
        "formatVersion",
        "2 is written only for a backup that failed verification");
  }

  @Test
  void wrongJsonTypesNameTheField() {
    refused(t -> t.put("dumpBytes", "1000"), "dumpBytes", "expected a whole number");
    refused(t -> t.put("storedBytes", 1.5), "storedBytes", "expected a whole number");
    refused(t -> t.putArray("file"), "file", "expected a string");
    refused(t -> t.put("startTime", 17), "startTime", "expected an RFC 3339 time");
    refused(t -> t.put("endTime", "yesterday"), "endTime", "expected an RFC 3339 time");
    refused(t -> t.put("databases", "postgres"), "databases", "expected an array");
    refused(
        t -> ((ObjectNode) t.withArray("databases").get(0)).put("sizeBytes", "big"),
        "databases[0].sizeBytes",
        "expected a whole number");
    refused(t -> t.put("compression", "gzip"), "compression", "expected an object");
    refused(t -> t.remove("sha256"), "sha256", "missing");
    refused(t -> t.putNull("id"), "id", "missing");
    refused(
        t -> ((ObjectNode) t.get("verification")).put("verified", "yes"),
        "verification.verified",
        "expected true or false");
  }

  @Test
  void unknownValuesAreRefusedNotGuessed() {
    refused(
        t -> ((ObjectNode) t.get("compression")).put("algorithm", "lz4"),
        "compression.algorithm",
        "\"lz4\" is not one of gzip, zstd, none");
    refused(
        t -> ((ObjectNode) t.get("compression")).put("level", 42),
        "compression.level",
        "42 is outside gzip's 1 to 9");
    refused(
        t -> t.putObject("encryption").put("mode", "rot13"),
        "encryption.mode",
        "\"rot13\" is not one of public-key, passphrase");
  }

  @Test
  void theFileMustBeAPlainDumpNameInTheBackupsFolder() {
    for (String foreign :
        new String[] {
          "../../../../etc/passwd",
          "/etc/passwd",
          "../20261123T020000Z-0001/dump.sql.gz",
          "dump.sql.gz/../../x",
          "manifest.json",
          ""
        }) {
      refused(t -> t.put("file", foreign), "file", "is not a dump file name");
    }
    // A real dump name that does not match the manifest's own compression.
    refused(t -> t.put("file", "dump.sql.zst"), "file", "expected dump.sql.gz");
  }

  @Test
  void figuresOutOfRangeAreRefused() {
    refused(t -> t.put("storedBytes", Long.MAX_VALUE), "storedBytes", "is outside 0 to");
    refused(t -> t.put("storedBytes", -1), "storedBytes", "is outside 0 to");
    refused(
        t -> t.put("dumpBytes", new java.math.BigInteger("99999999999999999999999")),
        "dumpBytes",
        "out of range");
    refused(
        t -> t.put("storedBytes", 1L << 40),
        "storedBytes",
        "implausible for a compressed dump of 1000 bytes");
    refused(t -> t.put("sha256", "../x"), "sha256", "expected 64 lower-case hex digits");
  }

  @Test
  void idAndTimesMustAgreeWithTheFolder() {
    refused(t -> t.put("id", "20261125T020000Z-7f3a"), "id", "is not its folder's name");
    refused(
        t -> t.put("startTime", "2999-01-01T00:00:00Z"), "startTime", "is not within the second");
    refused(
        t -> t.put("startTime", "2026-11-24T01:59:59.999Z"),
        "startTime",
        "is not within the second");
    refused(t -> t.put("endTime", "2026-11-24T01:00:00Z"), "endTime", "is before startTime");
  }

  @Test
  void notJsonOrTooLargeIsRefusedWithoutAField() {
    for (byte[] content :
        new byte[][] {
          "{\"formatVersion\": 1,".getBytes(StandardCharsets.UTF_8),
          "[]".getBytes(StandardCharsets.UTF_8),
          new byte[ManifestCodec.MAX_BYTES + 1]
        }) {
      assertThatThrownBy(() -> StoredManifests.decode(ID, content))
          .isInstanceOf(ManifestException.class)
          .hasMessageStartingWith("test/manifest.json: ");
    }
  }

  static Manifest withRestore(Manifest m) {
    return m.toBuilder()
        .verification(
            new Manifest.Verification(
                false,
                "restore",
                START.plusSeconds(90),
                "verification by restore failed",
                new Manifest.Restore("storage", "failed", 2, 3, 1, 41, 0, 2.5, "ERROR: boom")))
        .auditChainHead(null)
        .content(
            new io.dbbackup.runner.pipeline.DumpContent.Summary(
                List.of("postgres", "Rôle"),
                List.of(
                    new io.dbbackup.runner.pipeline.DumpContent.Database(
                        "shop",
                        List.of(new io.dbbackup.runner.pipeline.DumpContent.Table("public.t", 41)),
                        0))))
        .incremental(null)
        .build();
  }

  @Test
  void verificationByRestoreAndTheDumpsCountsReadBackAsWrittenAndAreCheckedByField()
      throws Exception {
    Manifest m = withRestore(StoredManifests.manifest(ID, START));
    Manifest back = StoredManifests.decode(ID, ManifestCodec.encode(m));
    assertThat(back).isEqualTo(m);
    assertThat(back.verificationFailed()).isTrue();
    // An older manifest (no restore, no content) still reads, and is not a failed one.
    assertThat(read(t -> {}).verificationFailed()).isFalse();

    assertThatThrownBy(
            () ->
                StoredManifests.decode(
                    ID,
                    StoredManifests.edited(
                        m,
                        t ->
                            ((ObjectNode) t.get("verification").get("restore"))
                                .put("result", "maybe"))))
        .hasMessageContaining("field verification.restore.result: expected passed or failed");
    assertThatThrownBy(
            () ->
                StoredManifests.decode(
                    ID,
                    StoredManifests.edited(
                        m,
                        t ->
                            ((ObjectNode)
                                    t.get("content").get("databases").get(0).get("tables").get(0))
                                .put("rows", "41"))))
        .hasMessageContaining("field content.databases[0].tables[0].rows: expected a whole number");
  }
}
