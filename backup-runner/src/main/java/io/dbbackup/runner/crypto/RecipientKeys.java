package io.dbbackup.runner.crypto;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPImplementation;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;

/**
 * Reads recipients' ASCII-armored public keys and picks, for each, the key the session key is
 * encrypted to: the newest subkey (or primary key) whose verified self-signatures say it may
 * encrypt and that is neither revoked nor expired — GnuPG's choice. Version 4 keys only, the kind
 * GnuPG 2.2 uses.
 */
public final class RecipientKeys {
  static final OpenPGPImplementation OPENPGP = new BcOpenPGPImplementation();
  private static final String PRIVATE_BLOCK = "-----BEGIN PGP PRIVATE KEY BLOCK-----";

  /** A recipient and the public key its copy of the session key is encrypted to. */
  record RecipientKey(Recipient recipient, PGPPublicKey encryptionKey) {}

  private RecipientKeys() {}

  /**
   * The recipients in one armored text (usually one key; an exported key ring gives several).
   *
   * @param source names the text in messages, e.g. {@code key "alice.asc"}
   * @throws UnusableKeyException naming the source and the key when any key cannot be used
   */
  static List<RecipientKey> read(String source, String armored, Instant now) {
    if (armored.contains(PRIVATE_BLOCK)) {
      throw privateKey(source, null);
    }
    List<OpenPGPCertificate> certificates;
    try {
      certificates = new OpenPGPKeyReader(OPENPGP).parseKeysOrCertificates(armored);
    } catch (IOException | RuntimeException e) {
      throw new UnusableKeyException(
          source + ": not an ASCII-armored OpenPGP public key (" + e.getMessage() + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new UnusableKeyException(source + ": holds no OpenPGP public key");
    }
    List<RecipientKey> keys = new ArrayList<>();
    for (OpenPGPCertificate certificate : certificates) {
      String fingerprint = hex(certificate.getFingerprint());
      if (certificate.isSecretKey()) {
        throw privateKey(source, fingerprint);
      }
      String userId =
          certificate.getPrimaryUserId() == null
              ? null
              : certificate.getPrimaryUserId().getUserId();
      String key = source + ": key " + fingerprint + (userId == null ? "" : " (" + userId + ")");
      try {
        keys.add(
            select(
                key,
                certificate,
                Date.from(now),
                new Recipient(source, fingerprint, userId, null)));
      } catch (RuntimeException e) {
        if (e instanceof UnusableKeyException u) {
          throw u;
        }
        throw new UnusableKeyException(key + " cannot be used: " + e, e);
      }
    }
    return keys;
  }

  private static RecipientKey select(
      String key, OpenPGPCertificate cert, Date now, Recipient recipient) {
    int version = cert.getPrimaryKey().getVersion();
    if (version != 4) {
      throw new UnusableKeyException(
          key + " is a version " + version + " key; GnuPG 2.2 reads only version 4 keys");
    }
    Date created = cert.getPrimaryKey().getCreationTime();
    if (created.after(now)) {
      throw new UnusableKeyException(
          key
              + " was created at "
              + created.toInstant()
              + ", after the time here ("
              + now.toInstant()
              + "): check the clocks");
    }
    if (cert.getRevocation(now) != null) {
      throw new UnusableKeyException(key + " is revoked");
    }
    if (cert.getPrimaryKey().getLatestSelfSignature(now) == null
        || !cert.getPrimaryKey().isBoundAt(now)) {
      // Not valid now: say whether its (unverified) self-signature makes it expired.
      long validSeconds = cert.getPrimaryKey().getPGPPublicKey().getValidSeconds();
      Instant expiry = created.toInstant().plusSeconds(validSeconds);
      if (validSeconds > 0 && !expiry.isAfter(now.toInstant())) {
        throw new UnusableKeyException(key + " expired on " + expiry);
      }
      throw new UnusableKeyException(
          key + " has no valid self-signature (it is damaged or was changed)");
    }
    OpenPGPComponentKey chosen =
        cert.getEncryptionKeys(now).stream()
            .filter(k -> k.getVersion() == 4)
            .max(Comparator.comparing(OpenPGPComponentKey::getCreationTime))
            .orElseThrow(() -> new UnusableKeyException(key + whyNoEncryptionKey(cert, now)));
    return new RecipientKey(
        new Recipient(
            recipient.source(),
            recipient.fingerprint(),
            recipient.userId(),
            keyId(chosen.getPGPPublicKey().getKeyID())),
        chosen.getPGPPublicKey());
  }

  private static String whyNoEncryptionKey(OpenPGPCertificate cert, Date now) {
    for (OpenPGPComponentKey k : cert.getKeys()) {
      if (!k.getPGPPublicKey().isEncryptionKey()) {
        continue;
      }
      String id = keyId(k.getPGPPublicKey().getKeyID());
      try {
        if (k.getRevocation(now) != null) {
          return ": its encryption subkey " + id + " is revoked";
        }
        Date expiry = k.getKeyExpirationDateAt(now);
        if (expiry != null && !expiry.after(now)) {
          return ": its encryption subkey " + id + " expired on " + expiry.toInstant();
        }
      } catch (RuntimeException e) {
        // no self-signature to tell: fall through to the general reason
      }
    }
    return " cannot encrypt: it has no valid encryption subkey (only signing or certification"
        + " keys)";
  }

  private static UnusableKeyException privateKey(String source, String fingerprint) {
    return new UnusableKeyException(
        source
            + ": holds a private key; give only the public key (gpg --armor --export"
            + (fingerprint == null ? " <fingerprint>" : " " + fingerprint)
            + "), the cluster must not hold keys that can read the backups");
  }

  static String hex(byte[] fingerprint) {
    return HexFormat.of().withUpperCase().formatHex(fingerprint);
  }

  /** A key id as gpg prints it in long form: 16 upper-case hex digits. */
  static String keyId(long id) {
    return String.format(Locale.ROOT, "%016X", id);
  }
}
