package io.dbbackup.runner.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The comparison of a backup read back with its manifest's values, without any store. */
class VerificationProblemsTest {
  static final String FILE = "dump.sql.gz";
  static final String STORED = "a".repeat(64);
  static final String PLAIN = "b".repeat(64);
  static final String OTHER = "c".repeat(64);
  static final BackupVerifier.Expected EXPECTED =
      new BackupVerifier.Expected(FILE, STORED, 100L, PLAIN, 400L, null);

  static byte[] checksum(String sha, String file) {
    return (sha + "  " + file + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static ReadBack read(byte[] checksum, String failure, long stored, String sha, boolean full) {
    return new ReadBack(checksum, failure, stored, sha, full, 400, PLAIN, true);
  }

  @Test
  void aBackupAsExpectedHasNoProblem() {
    assertThat(
            VerificationProblems.of(
                EXPECTED, read(checksum(STORED, FILE), null, 100, STORED, true)))
        .isEmpty();
    // Nothing expected but the file: only the checksum file is compared.
    var open = new BackupVerifier.Expected(FILE, null, null, null, null, null);
    assertThat(
            VerificationProblems.of(
                open, new ReadBack(checksum(OTHER, FILE), null, 7, OTHER, true, 9, OTHER, true)))
        .isEmpty();
  }

  @Test
  void theChecksumFileMissingMalformedOrNamingAnotherFileIsAProblem() {
    assertThat(VerificationProblems.of(EXPECTED, read(null, null, 100, STORED, true)))
        .containsExactly(FILE + ".sha256 is missing");
    assertThat(
            VerificationProblems.of(
                EXPECTED,
                read("not a checksum".getBytes(StandardCharsets.UTF_8), null, 100, STORED, true)))
        .containsExactly(FILE + ".sha256 is not in sha256sum format");
    assertThat(
            VerificationProblems.of(
                EXPECTED, read(checksum(STORED, "other.sql.gz"), null, 100, STORED, true)))
        .containsExactly(FILE + ".sha256 names other.sql.gz, not " + FILE);
  }

  @Test
  void everyMismatchOfTheStoredFileIsNamedInOrderAndThePlainDumpIsThenNotJudged() {
    ReadBack damaged =
        new ReadBack(
            checksum(STORED, FILE),
            "OpenPGP damaged: bad packet",
            99,
            OTHER,
            true,
            1,
            OTHER,
            false);
    assertThat(VerificationProblems.of(EXPECTED, damaged))
        .containsExactly(
            "OpenPGP damaged: bad packet",
            "SHA-256 of " + FILE + " is " + OTHER + " but " + FILE + ".sha256 says " + STORED,
            "SHA-256 of " + FILE + " is " + OTHER + ", expected " + STORED,
            FILE + " has 99 bytes, expected 100");
  }

  @Test
  void thePlainDumpsSizeHashAndTrailerAreJudgedOnlyWhenItWasRead() {
    ReadBack plain =
        new ReadBack(checksum(STORED, FILE), null, 100, STORED, true, 401, OTHER, false);
    assertThat(VerificationProblems.of(EXPECTED, plain))
        .containsExactly(
            "the dump has 401 bytes, expected 400",
            "SHA-256 of the dump is " + OTHER + ", expected " + PLAIN,
            "the dump does not end with \"-- PostgreSQL database cluster dump complete\": it is"
                + " incomplete");
    ReadBack structureOnly =
        new ReadBack(checksum(STORED, FILE), null, 100, STORED, false, 0, OTHER, false);
    assertThat(VerificationProblems.of(EXPECTED, structureOnly)).isEmpty();
  }
}
