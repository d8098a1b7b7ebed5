package io.dbbackup.runner.verify;

/**
 * What reading a stored backup back found, before it is compared with what the backup should be
 * ({@link VerificationProblems}).
 *
 * @param checksumFile the start of the stored checksum file as read, or null when it is missing
 * @param failure why the stored file could not be read to its end (OpenPGP, decompression), or null
 * @param storedBytes the stored file's size, read to its end whatever failed
 * @param storedSha256 the stored file's SHA-256, hex
 * @param full whether the plain dump was read (false: only the OpenPGP structure was checked)
 * @param plainBytes the plain dump's size (when {@code full})
 * @param plainSha256 the plain dump's SHA-256, hex (when {@code full})
 * @param trailerComplete whether the plain dump ends with pg_dumpall's completion trailer
 */
record ReadBack(
    byte[] checksumFile,
    String failure,
    long storedBytes,
    String storedSha256,
    boolean full,
    long plainBytes,
    String plainSha256,
    boolean trailerComplete) {}
