package io.dbbackup.runner.crypto;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.SessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcSessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;

/**
 * Who runs AES over the data. The JDK's own provider, whose AES uses the processor's AES
 * instructions, is about three times faster than Bouncy Castle's pure-Java engine; Bouncy Castle
 * still builds every packet and handles all key material. Falls back to Bouncy Castle where the JDK
 * has no SunJCE.
 */
final class BulkCipher {
  private static final Provider JDK = Security.getProvider("SunJCE");

  private BulkCipher() {}

  /** AES-256, integrity protected (SEIPD version 1 with MDC). */
  static PGPDataEncryptorBuilder encryptor(SecureRandom random) {
    int aes256 = SymmetricKeyAlgorithmTags.AES_256;
    if (JDK == null) {
      return new BcPGPDataEncryptorBuilder(aes256)
          .setWithIntegrityPacket(true)
          .setSecureRandom(random);
    }
    return new JcePGPDataEncryptorBuilder(aes256)
        .setProvider(JDK)
        .setWithIntegrityPacket(true)
        .setSecureRandom(random);
  }

  /** Decrypts the data with a session key already recovered from its packet. */
  static SessionKeyDataDecryptorFactory decryptor(PGPSessionKey sessionKey) {
    if (JDK == null) {
      return new BcSessionKeyDataDecryptorFactory(sessionKey);
    }
    return new JceSessionKeyDataDecryptorFactoryBuilder().setProvider(JDK).build(sessionKey);
  }
}
