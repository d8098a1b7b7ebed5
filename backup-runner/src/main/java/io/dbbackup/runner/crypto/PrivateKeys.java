package io.dbbackup.runner.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * The decryption keys in an ASCII-armored private key export ({@code gpg --armor
 * --export-secret-keys}), unlocked up front so that a wrong key passphrase fails at start-up.
 *
 * @param byKeyId every decryption-capable (sub)key, by key id
 * @param fingerprints the primary fingerprints of the key rings read
 */
record PrivateKeys(Map<Long, PGPPrivateKey> byKeyId, List<String> fingerprints) {
  private static final String PUBLIC_BLOCK = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

  /**
   * @param passphrase unlocks protected keys; null or empty for unprotected ones
   * @throws UnusableKeyException when the text holds no usable private key or one stays locked
   */
  static PrivateKeys read(String armored, char[] passphrase) {
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
            .build(passphrase == null ? new char[0] : passphrase);
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
    return new PrivateKeys(Map.copyOf(keys), List.copyOf(fingerprints));
  }
}
