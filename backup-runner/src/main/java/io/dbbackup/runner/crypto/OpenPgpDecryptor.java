package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.bc.BcPGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.operator.bc.BcPBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Decrypts OpenPGP files — ours and gpg's (compressed or not, signed or not; signatures are not
 * checked) — with private keys or a passphrase. Only integrity-protected data is accepted.
 */
public final class OpenPgpDecryptor implements Decryptor {
  private static final String PUBLIC_BLOCK = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

  private final Map<Long, PGPPrivateKey> privateKeys;
  private final List<String> fingerprints;
  private final char[] passphrase;

  private OpenPgpDecryptor(
      Map<Long, PGPPrivateKey> privateKeys, List<String> fingerprints, char[] passphrase) {
    this.privateKeys = privateKeys;
    this.fingerprints = fingerprints;
    this.passphrase = passphrase;
  }

  /**
   * Decryption with the ASCII-armored private key(s) in {@code armored}, unlocked with {@code
   * keyPassphrase} when they are protected (null or empty when they are not).
   *
   * @throws UnusableKeyException when the text holds no private key or a key cannot be unlocked
   */
  public static OpenPgpDecryptor forPrivateKey(String armored, char[] keyPassphrase) {
    if (armored.contains(PUBLIC_BLOCK)) {
      throw new UnusableKeyException(
          "holds a public key where a private key is needed (gpg --armor --export-secret-keys)");
    }
    BcPGPSecretKeyRingCollection rings;
    try {
      rings =
          new BcPGPSecretKeyRingCollection(
              PGPUtil.getDecoderStream(
                  new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII))));
    } catch (IOException | PGPException | RuntimeException e) {
      throw new UnusableKeyException(
          "not an ASCII-armored OpenPGP private key (" + e.getMessage() + ")", e);
    }
    var unlock =
        new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
            .build(keyPassphrase == null ? new char[0] : keyPassphrase);
    Map<Long, PGPPrivateKey> keys = new LinkedHashMap<>();
    List<String> fingerprints = new ArrayList<>();
    for (PGPSecretKeyRing ring : rings) {
      String fingerprint = RecipientKeys.hex(ring.getPublicKey().getFingerprint());
      fingerprints.add(fingerprint);
      for (PGPSecretKey key : ring) {
        if (key.isPrivateKeyEmpty() || !key.getPublicKey().isEncryptionKey()) {
          continue;
        }
        try {
          keys.put(key.getKeyID(), key.extractPrivateKey(unlock));
        } catch (PGPException e) {
          throw new UnusableKeyException(
              "cannot unlock private key "
                  + fingerprint
                  + ": it is protected by a passphrase that was not given or is wrong",
              e);
        }
      }
    }
    if (keys.isEmpty()) {
      throw new UnusableKeyException(
          "holds no private key that can decrypt (keys " + fingerprints + ")");
    }
    return new OpenPgpDecryptor(Map.copyOf(keys), List.copyOf(fingerprints), null);
  }

  /** Decryption with a passphrase. */
  public static OpenPgpDecryptor forPassphrase(char[] passphrase) {
    return new OpenPgpDecryptor(Map.of(), List.of(), passphrase.clone());
  }

  /** The primary fingerprints of the private keys held; empty for a passphrase. */
  public List<String> fingerprints() {
    return fingerprints;
  }

  /** The ids (16 hex digits) of the decryption keys held, as {@link Recipient#encryptionKeyId}. */
  public Set<String> keyIds() {
    Set<String> ids = new java.util.TreeSet<>();
    privateKeys.keySet().forEach(id -> ids.add(RecipientKeys.keyId(id)));
    return ids;
  }

  @Override
  public InputStream decrypt(InputStream source) throws IOException {
    InputStream file = PGPUtil.getDecoderStream(source);
    try {
      PGPEncryptedDataList list = encryptedDataList(new BcPGPObjectFactory(file));
      Opened opened = passphrase != null ? withPassphrase(list) : withPrivateKey(list);
      return new IntegrityCheckedStream(literal(opened.plain()), opened.data(), file);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private record Opened(PGPEncryptedData data, InputStream plain) {}

  private Opened withPrivateKey(PGPEncryptedDataList list) throws OpenPgpException {
    List<String> recipients = new ArrayList<>();
    for (PGPEncryptedData data : list) {
      if (!(data instanceof PGPPublicKeyEncryptedData pk)) {
        continue;
      }
      recipients.add(RecipientKeys.keyId(pk.getKeyID()));
      List<PGPPrivateKey> candidates =
          pk.getKeyID() == 0
              ? List.copyOf(privateKeys.values()) // an anonymous recipient: try every key
              : privateKeys.containsKey(pk.getKeyID())
                  ? List.of(privateKeys.get(pk.getKeyID()))
                  : List.of();
      for (PGPPrivateKey key : candidates) {
        requireIntegrity(pk);
        try {
          var sessionKey = pk.getSessionKey(new BcPublicKeyDataDecryptorFactory(key));
          return new Opened(pk, pk.getDataStream(BulkCipher.decryptor(sessionKey)));
        } catch (PGPException e) {
          if (pk.getKeyID() != 0) {
            throw new OpenPgpException(
                Reason.MALFORMED,
                "cannot decrypt the session key for key "
                    + RecipientKeys.keyId(pk.getKeyID())
                    + ": "
                    + e.getMessage(),
                e);
          }
        }
      }
    }
    if (recipients.isEmpty()) {
      throw new OpenPgpException(
          Reason.NO_MATCHING_KEY,
          "the file is encrypted with a passphrase, not to a public key; a private key cannot"
              + " open it");
    }
    throw new OpenPgpException(
        Reason.NO_MATCHING_KEY,
        "wrong key: the file is encrypted to key ids "
            + recipients
            + " but the private key given (fingerprints "
            + fingerprints
            + ") has decryption keys "
            + keyIds());
  }

  private Opened withPassphrase(PGPEncryptedDataList list) throws OpenPgpException {
    PGPException failure = null;
    List<String> recipients = new ArrayList<>();
    for (PGPEncryptedData data : list) {
      if (data instanceof PGPPublicKeyEncryptedData pk) {
        recipients.add(RecipientKeys.keyId(pk.getKeyID()));
      } else if (data instanceof PGPPBEEncryptedData pbe) {
        requireIntegrity(pbe);
        try {
          var factory =
              new BcPBEDataDecryptorFactory(passphrase, new BcPGPDigestCalculatorProvider());
          return new Opened(
              pbe, pbe.getDataStream(BulkCipher.decryptor(pbe.getSessionKey(factory))));
        } catch (PGPException e) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw new OpenPgpException(
          Reason.WRONG_PASSPHRASE, "wrong passphrase: it does not decrypt this file", failure);
    }
    throw new OpenPgpException(
        Reason.NO_MATCHING_KEY,
        "the file is encrypted to public keys " + recipients + ", not with a passphrase");
  }

  private static void requireIntegrity(PGPEncryptedData data) throws OpenPgpException {
    if (!data.isIntegrityProtected()) {
      throw new OpenPgpException(
          Reason.MALFORMED,
          "the file is encrypted without integrity protection (no MDC); it is refused");
    }
  }

  private static PGPEncryptedDataList encryptedDataList(BcPGPObjectFactory factory)
      throws OpenPgpException {
    try {
      Object o = factory.nextObject();
      while (o instanceof PGPMarker) {
        o = factory.nextObject();
      }
      if (o instanceof PGPEncryptedDataList list) {
        return list;
      }
      throw new OpenPgpException(
          Reason.MALFORMED,
          "not an OpenPGP encrypted file (it starts with "
              + (o == null ? "nothing" : o.getClass().getSimpleName())
              + ")");
    } catch (IOException | RuntimeException e) {
      if (e instanceof OpenPgpException pe) {
        throw pe;
      }
      throw new OpenPgpException(
          Reason.MALFORMED, "not an OpenPGP encrypted file: " + e.getMessage(), e);
    }
  }

  /** Finds the literal data inside: directly, in a compressed packet, or after a signature. */
  private static InputStream literal(InputStream plain) throws OpenPgpException {
    try {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(plain);
      Object o = factory.nextObject();
      if (o instanceof PGPCompressedData compressed) {
        factory = new BcPGPObjectFactory(compressed.getDataStream());
        o = factory.nextObject();
      }
      if (o instanceof PGPOnePassSignatureList) {
        o = factory.nextObject();
      }
      if (o instanceof PGPLiteralData literal) {
        return literal.getInputStream();
      }
      throw new OpenPgpException(
          Reason.MALFORMED,
          "the decrypted data holds no literal data packet (found "
              + (o == null ? "nothing" : o.getClass().getSimpleName())
              + "): the file is damaged or was modified");
    } catch (IOException | PGPException | RuntimeException e) {
      if (e instanceof OpenPgpException pe) {
        throw pe;
      }
      throw new OpenPgpException(
          Reason.INTEGRITY,
          "the decrypted data is malformed: the file is damaged or was modified ("
              + e.getMessage()
              + ")",
          e);
    }
  }
}
