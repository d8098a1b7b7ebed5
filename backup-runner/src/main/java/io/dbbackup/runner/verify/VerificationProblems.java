package io.dbbackup.runner.verify;

import io.dbbackup.runner.pipeline.DumpTrailer;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparison of a backup read back with what it should be: the checksum file, the stored file's
 * SHA-256 and size, then — when nothing is wrong with the stored file and it was read in full — the
 * plain dump's size, SHA-256 and completion trailer. Pure: no I/O.
 */
final class VerificationProblems {
  private VerificationProblems() {}

  /** Every mismatch, in that order; empty when the backup is what {@code expected} says. */
  static List<String> of(BackupVerifier.Expected expected, ReadBack read) {
    List<String> problems = new ArrayList<>();
    String checksumName = ChecksumFile.nameFor(expected.file());
    ChecksumFile checksum = checksumFile(expected.file(), checksumName, read, problems);
    if (read.failure() != null) {
      problems.add(read.failure());
    }
    String storedSha = read.storedSha256();
    if (checksum != null && !checksum.sha256().equals(storedSha)) {
      problems.add(
          "SHA-256 of "
              + expected.file()
              + " is "
              + storedSha
              + " but "
              + checksumName
              + " says "
              + checksum.sha256());
    }
    if (expected.sha256() != null && !expected.sha256().equals(storedSha)) {
      problems.add(
          "SHA-256 of " + expected.file() + " is " + storedSha + ", expected " + expected.sha256());
    }
    if (expected.storedBytes() != null && expected.storedBytes() != read.storedBytes()) {
      problems.add(
          expected.file()
              + " has "
              + read.storedBytes()
              + " bytes, expected "
              + expected.storedBytes());
    }
    if (problems.isEmpty() && read.full()) {
      plain(expected, read, problems);
    }
    return problems;
  }

  /** The checksum file parsed, or null (with the problem) when it is missing or malformed. */
  private static ChecksumFile checksumFile(
      String file, String checksumName, ReadBack read, List<String> problems) {
    if (read.checksumFile() == null) {
      problems.add(checksumName + " is missing");
      return null;
    }
    ChecksumFile checksum = ChecksumFile.parse(read.checksumFile()).orElse(null);
    if (checksum == null) {
      problems.add(checksumName + " is not in sha256sum format");
    } else if (!checksum.fileName().equals(file)) {
      problems.add(checksumName + " names " + checksum.fileName() + ", not " + file);
    }
    return checksum;
  }

  private static void plain(
      BackupVerifier.Expected expected, ReadBack read, List<String> problems) {
    if (expected.dumpBytes() != null && expected.dumpBytes() != read.plainBytes()) {
      problems.add(
          "the dump has " + read.plainBytes() + " bytes, expected " + expected.dumpBytes());
    }
    if (expected.plainSha256() != null && !expected.plainSha256().equals(read.plainSha256())) {
      problems.add(
          "SHA-256 of the dump is " + read.plainSha256() + ", expected " + expected.plainSha256());
    }
    if (!read.trailerComplete()) {
      problems.add(
          "the dump does not end with \"-- "
              + DumpTrailer.CLUSTER_DUMP_COMPLETE
              + "\": it is incomplete");
    }
  }
}
