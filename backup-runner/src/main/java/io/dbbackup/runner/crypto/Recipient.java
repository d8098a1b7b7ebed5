package io.dbbackup.runner.crypto;

/**
 * One public key a backup is encrypted for.
 *
 * @param source where the key came from, e.g. the Secret key's name
 * @param fingerprint the primary key's fingerprint (40 upper-case hex digits), as `gpg -k` shows
 * @param userId the primary user ID, or null when the key has none
 * @param encryptionKeyId the id (16 hex digits) of the subkey the session key is encrypted to; the
 *     id an encrypted file names in its public-key session key packet
 */
public record Recipient(String source, String fingerprint, String userId, String encryptionKeyId) {}
