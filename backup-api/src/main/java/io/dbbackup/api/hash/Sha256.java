package io.dbbackup.api.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * SHA-256 (and HMAC-SHA256) as the project writes them everywhere: 64 lowercase hex digits, the
 * form {@code sha256sum} prints. Every JVM has SHA-256, so its absence is an error, not a checked
 * exception.
 */
public final class Sha256 {
  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  /** A fresh SHA-256 digest, to feed a stream through. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** The SHA-256 of {@code data}, in hex. */
  public static String hex(byte[] data) {
    return HEX.formatHex(newDigest().digest(data));
  }

  /** The SHA-256 of {@code text}'s UTF-8 bytes, in hex. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Completes {@code digest} (it is reset) and gives its value in hex. */
  public static String hex(MessageDigest digest) {
    return HEX.formatHex(digest.digest());
  }

  /** Completes {@code mac} (it is reset) and gives its value in hex (HMAC-SHA256 names). */
  public static String hex(Mac mac) {
    return HEX.formatHex(mac.doFinal());
  }
}
