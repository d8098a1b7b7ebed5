package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.RecipientKeys.RecipientKey;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * OpenPGP encryption that GnuPG 2.2 decrypts ({@code gpg -d}): AES-256 in a Symmetrically Encrypted
 * Integrity Protected Data packet, version 1, with its modification detection code (not the AEAD
 * packets GnuPG 2.2 cannot read); the session key for each recipient's encryption subkey or derived
 * from a passphrase by an iterated and salted SHA-256 S2K. The data goes in one binary literal
 * packet, without OpenPGP compression (it is compressed already), streamed in partial-length
 * packets so nothing is buffered beyond one 64 KiB packet.
 */
public final class OpenPgpEncryptor implements Encryptor {
  /** Partial packets of 64 KiB (a power of two, as the format requires). */
  static final int PARTIAL_PACKET = 1 << 16;

  /** The largest encodable S2K count, 65,011,712 bytes hashed: a fraction of a second, once. */
  static final int S2K_COUNT = 0xff;

  private final EncryptionMode mode;
  private final List<RecipientKey> keys;
  private final char[] passphrase;
  private final SecureRandom random = new SecureRandom();

  private OpenPgpEncryptor(EncryptionMode mode, List<RecipientKey> keys, char[] passphrase) {
    this.mode = mode;
    this.keys = keys;
    this.passphrase = passphrase;
  }

  /**
   * Encryption for every key in {@code armoredKeys} (source name → ASCII-armored public key).
   *
   * @throws UnusableKeyException naming the source and key when one cannot be used
   */
  public static OpenPgpEncryptor forPublicKeys(Map<String, String> armoredKeys, Instant now) {
    List<RecipientKey> keys = new ArrayList<>();
    armoredKeys.forEach((source, armored) -> keys.addAll(RecipientKeys.read(source, armored, now)));
    if (keys.isEmpty()) {
      throw new UnusableKeyException("no public keys given");
    }
    return new OpenPgpEncryptor(EncryptionMode.PUBLIC_KEY, List.copyOf(keys), null);
  }

  /** Encryption with a passphrase; an empty one is refused. */
  public static OpenPgpEncryptor forPassphrase(char[] passphrase) {
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty");
    }
    return new OpenPgpEncryptor(EncryptionMode.PASSPHRASE, List.of(), passphrase.clone());
  }

  @Override
  public EncryptionMode mode() {
    return mode;
  }

  @Override
  public List<Recipient> recipients() {
    return keys.stream().map(RecipientKey::recipient).toList();
  }

  @Override
  public OutputStream encrypt(OutputStream sink) throws IOException {
    PGPEncryptedDataGenerator encryption =
        new PGPEncryptedDataGenerator(BulkCipher.encryptor(random));
    try {
      if (mode == EncryptionMode.PUBLIC_KEY) {
        for (RecipientKey key : keys) {
          encryption.addMethod(
              new BcPublicKeyKeyEncryptionMethodGenerator(key.encryptionKey())
                  .setSecureRandom(random));
        }
      } else {
        encryption.addMethod(
            new BcPBEKeyEncryptionMethodGenerator(
                    passphrase,
                    new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA256),
                    S2K_COUNT)
                .setSecureRandom(random));
      }
      OutputStream encrypted = encryption.open(sink, new byte[PARTIAL_PACKET]);
      PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
      OutputStream plain =
          literal.open(encrypted, PGPLiteralData.BINARY, "", new Date(), new byte[PARTIAL_PACKET]);
      return new EncryptingStream(plain, literal, encryption, sink);
    } catch (PGPException e) {
      throw new IOException("cannot start OpenPGP encryption: " + e.getMessage(), e);
    }
  }

  /** Writes through the literal packet; closes literal, then encrypted packet, then the sink. */
  private static final class EncryptingStream extends OutputStream {
    private final OutputStream plain;
    private final PGPLiteralDataGenerator literal;
    private final PGPEncryptedDataGenerator encryption;
    private final OutputStream sink;
    private boolean closed;

    EncryptingStream(
        OutputStream plain,
        PGPLiteralDataGenerator literal,
        PGPEncryptedDataGenerator encryption,
        OutputStream sink) {
      this.plain = plain;
      this.literal = literal;
      this.encryption = encryption;
      this.sink = sink;
    }

    @Override
    public void write(int b) throws IOException {
      plain.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      plain.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      plain.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      IOException first = null;
      for (Closing step : new Closing[] {literal::close, encryption::close, sink::close}) {
        try {
          step.close();
        } catch (IOException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }

    @FunctionalInterface
    private interface Closing {
      void close() throws IOException;
    }
  }
}
