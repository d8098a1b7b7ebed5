package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
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
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPSessionKeyEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Decrypts OpenPGP files — ours and gpg's (compressed or not, signed or not; signatures are not
 * checked) — with private keys or a passphrase. Only integrity-protected data is accepted.
 */
public final class OpenPgpDecryptor implements Decryptor {
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
    PrivateKeys keys = PrivateKeys.read(armored, keyPassphrase);
    return new OpenPgpDecryptor(keys.byKeyId(), keys.fingerprints(), null);
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
      long keyId = pk.getKeyIdentifier().getKeyId();
      recipients.add(RecipientKeys.keyId(keyId));
      List<PGPPrivateKey> candidates =
          keyId == 0
              ? List.copyOf(privateKeys.values()) // an anonymous recipient: try every key
              : privateKeys.containsKey(keyId) ? List.of(privateKeys.get(keyId)) : List.of();
      for (PGPPrivateKey key : candidates) {
        try {
          return open(list, pk.getSessionKey(new BcPublicKeyDataDecryptorFactory(key)));
        } catch (PGPException e) {
          if (keyId != 0) {
            throw new OpenPgpException(
                Reason.MALFORMED,
                "cannot decrypt the session key for key "
                    + RecipientKeys.keyId(keyId)
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
        recipients.add(RecipientKeys.keyId(pk.getKeyIdentifier().getKeyId()));
      } else if (data instanceof PGPPBEEncryptedData pbe) {
        try {
          var factory =
              new BcPBEDataDecryptorFactory(passphrase, new BcPGPDigestCalculatorProvider());
          return open(list, pbe.getSessionKey(factory));
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

  /** The data, with the session key a key or the passphrase recovered; bulk AES via the JDK. */
  private static Opened open(PGPEncryptedDataList list, PGPSessionKey sessionKey)
      throws PGPException, OpenPgpException {
    PGPSessionKeyEncryptedData data = list.extractSessionKeyEncryptedData();
    requireIntegrity(data);
    return new Opened(data, data.getDataStream(BulkCipher.decryptor(sessionKey)));
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
