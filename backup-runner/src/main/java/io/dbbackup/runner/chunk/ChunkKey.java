package io.dbbackup.runner.chunk;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.IncrementalSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that names chunks: HMAC-SHA256 of a chunk's plain bytes, in lower-case hex. Read from the
 * file of {@code spec.incremental.chunkKeySecretRef}, byte for byte, at least {@link
 * IncrementalSpec#MIN_KEY_BYTES} bytes. Thread-safe: each call uses its own {@link Mac}.
 */
public final class ChunkKey {
  public static final String FIELD = "spec.incremental.chunkKeySecretRef";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public ChunkKey(byte[] key) {
    if (key.length < IncrementalSpec.MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the chunk key has "
              + key.length
              + " bytes; expected at least "
              + IncrementalSpec.MIN_KEY_BYTES
              + " (e.g. head -c 32 /dev/urandom)");
    }
    this.key = new SecretKeySpec(key, "HmacSHA256");
    Arrays.fill(key, (byte) 0);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Reads the key file of {@code ref}; a missing, unreadable or short file is exit 2. */
  public static ChunkKey read(SecretKeyRef ref, SecretFiles secrets) {
    if (ref == null) {
      throw new RunnerException(ExitCode.INVALID_CONFIG, FIELD + ": must be set");
    }
    Path file = secrets.dir().resolve(ref.getName()).resolve(ref.getKey());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          FIELD + ": cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")",
          e);
    }
    try {
      return new ChunkKey(bytes);
    } catch (IllegalArgumentException e) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          FIELD
              + ": key \""
              + ref.getKey()
              + "\" of Secret "
              + ref.getName()
              + ": "
              + e.getMessage());
    }
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh HMAC for streaming a chunk's plain bytes through. */
  public Mac mac() {
    return newMac();
  }

  /** The 64 lower-case hex digits naming {@code len} bytes of {@code bytes}. */
  public String name(byte[] bytes, int off, int len) {
    Mac mac = macs.get();
    mac.update(bytes, off, len);
    return Sha256.hex(mac);
  }
}
