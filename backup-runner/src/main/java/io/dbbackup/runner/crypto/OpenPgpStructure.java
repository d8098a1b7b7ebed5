package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Checks an encrypted backup without any key, as verify must when the cluster holds only public
 * keys: the file is session key packets (public-key v3 or passphrase v4), then one integrity
 * protected data packet (version 1, with room for its IV and modification detection code) read to
 * its declared end through every partial length, then nothing. A truncated or malformed file fails;
 * a changed byte inside the ciphertext does not (that is the checksum's and, with a key, the
 * integrity check's job).
 */
public final class OpenPgpStructure {
  private static final int PKESK = 1;
  private static final int SKESK = 3;
  private static final int SED = 9;
  private static final int MARKER = 10;
  private static final int SEIPD = 18;
  private static final int AEAD = 20;
  private static final int MAX_SESSION_KEY_PACKET = 8192;
  private static final int MDC_PACKET = 22;
  private static final int MIN_PREFIX = 8 + 2; // the smallest cipher block, plus its repeat

  private OpenPgpStructure() {}

  /**
   * What a well-formed file holds.
   *
   * @param recipientKeyIds the key ids (16 hex digits) of the public-key session key packets
   * @param passphrasePackets how many passphrase session key packets there are
   * @param encryptedBytes the size of the encrypted data packet's body
   * @param fileBytes the size of the whole file
   */
  public record Report(
      List<String> recipientKeyIds, int passphrasePackets, long encryptedBytes, long fileBytes) {

    /** Fails unless the file has a session key packet for each of {@code keyIds}. */
    public void requireRecipients(Collection<String> keyIds) throws OpenPgpException {
      List<String> missing = keyIds.stream().filter(id -> !recipientKeyIds.contains(id)).toList();
      if (!missing.isEmpty()) {
        throw new OpenPgpException(
            Reason.NO_MATCHING_KEY,
            "the file is not encrypted to key ids " + missing + "; it is to " + recipientKeyIds);
      }
    }
  }

  /** Reads {@code in} to its end and reports what it holds, or throws what is wrong. */
  public static Report check(InputStream in) throws IOException {
    PacketReader reader = new PacketReader(in);
    List<String> recipients = new ArrayList<>();
    int passphrases = 0;
    PacketReader.Packet packet;
    while ((packet = reader.next()) != null) {
      switch (packet.tag()) {
        case MARKER -> drain(packet.body());
        case PKESK -> recipients.add(publicKeySessionKey(packet));
        case SKESK -> {
          passphraseSessionKey(packet);
          passphrases++;
        }
        case SEIPD -> {
          if (recipients.isEmpty() && passphrases == 0) {
            throw malformed("the encrypted data has no session key packet before it");
          }
          long encrypted = integrityProtectedData(packet);
          PacketReader.Packet after = reader.next();
          if (after != null) {
            throw malformed(
                "packet type "
                    + after.tag()
                    + " at byte "
                    + after.offset()
                    + " follows the"
                    + " encrypted data; the file must end there");
          }
          return new Report(List.copyOf(recipients), passphrases, encrypted, reader.position());
        }
        case SED ->
            throw malformed(
                "the data is encrypted without integrity protection (packet type 9, no MDC)");
        case AEAD ->
            throw malformed(
                "the data is in an OCB AEAD packet (type 20), which GnuPG 2.2 cannot" + " read");
        default ->
            throw malformed(
                "unexpected packet type "
                    + packet.tag()
                    + " at byte "
                    + packet.offset()
                    + "; expected session key packets, then encrypted data");
      }
    }
    if (reader.position() == 0) {
      throw malformed("the file is empty");
    }
    throw new OpenPgpException(
        Reason.TRUNCATED,
        "the file ends at byte " + reader.position() + " before its encrypted data packet");
  }

  private static String publicKeySessionKey(PacketReader.Packet packet) throws IOException {
    byte[] body = small(packet);
    if (body.length < 10 || body[0] != 3) {
      throw malformed(
          "the public-key session key packet at byte " + packet.offset() + " is not version 3");
    }
    long keyId = 0;
    for (int i = 1; i <= 8; i++) {
      keyId = (keyId << 8) | (body[i] & 0xff);
    }
    return RecipientKeys.keyId(keyId);
  }

  private static void passphraseSessionKey(PacketReader.Packet packet) throws IOException {
    byte[] body = small(packet);
    if (body.length < 4 || body[0] != 4) {
      throw malformed(
          "the passphrase session key packet at byte " + packet.offset() + " is not version 4");
    }
  }

  private static long integrityProtectedData(PacketReader.Packet packet) throws IOException {
    int version = packet.body().read();
    if (version != 1) {
      throw malformed(
          "the integrity protected data packet is version "
              + version
              + "; GnuPG 2.2 reads version 1 (with MDC)");
    }
    long size = 1 + drain(packet.body());
    if (size < 1 + MIN_PREFIX + MDC_PACKET) {
      throw malformed(
          "the encrypted data packet has "
              + size
              + " bytes, too few for its IV and integrity check");
    }
    return size;
  }

  private static byte[] small(PacketReader.Packet packet) throws IOException {
    byte[] body = packet.body().readNBytes(MAX_SESSION_KEY_PACKET + 1);
    if (body.length > MAX_SESSION_KEY_PACKET) {
      throw malformed(
          "the session key packet at byte " + packet.offset() + " is implausibly large");
    }
    return body;
  }

  private static long drain(InputStream body) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = body.read(buffer)) >= 0) {
      total += n;
    }
    return total;
  }

  private static OpenPgpException malformed(String message) {
    return new OpenPgpException(Reason.MALFORMED, message);
  }
}
