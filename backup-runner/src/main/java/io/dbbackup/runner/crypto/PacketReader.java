package io.dbbackup.runner.crypto;

import io.dbbackup.runner.crypto.OpenPgpException.Reason;
import io.dbbackup.runner.io.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * OpenPGP packet framing (RFC 4880 §4.2) read from a stream without decrypting anything: old and
 * new packet headers, and bodies of fixed, partial (a chain of power-of-two chunks ending in a
 * fixed-length chunk) or, for old headers, indeterminate length. Counts every byte, so messages can
 * say where a problem is.
 */
final class PacketReader {
  /** A packet's tag and its body, readable to its end. */
  record Packet(int tag, long offset, InputStream body) {}

  private final InputStream in;
  private long position;

  PacketReader(InputStream in) {
    this.in = in;
  }

  long position() {
    return position;
  }

  /** The next packet, or null at a clean end of the stream (between packets). */
  Packet next() throws IOException {
    long offset = position;
    int ctb = in.read();
    if (ctb < 0) {
      return null;
    }
    position++;
    if ((ctb & 0x80) == 0) {
      throw new OpenPgpException(
          Reason.MALFORMED,
          String.format(
              "not an OpenPGP packet at byte %d (0x%02x): not a binary OpenPGP file", offset, ctb));
    }
    if ((ctb & 0x40) != 0) {
      Body body = new Body();
      body.newFormatLength(true);
      return new Packet(ctb & 0x3f, offset, body);
    }
    Body body = new Body();
    int lengthType = ctb & 0x03;
    if (lengthType == 3) {
      body.indeterminate = true;
    } else {
      body.remaining = readNumber(lengthType == 0 ? 1 : lengthType == 1 ? 2 : 4);
    }
    return new Packet((ctb >> 2) & 0x0f, offset, body);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new OpenPgpException(
          Reason.TRUNCATED,
          "the file ends inside a packet header at byte " + position + ": it is truncated");
    }
    position++;
    return b;
  }

  private long readNumber(int bytes) throws IOException {
    long n = 0;
    for (int i = 0; i < bytes; i++) {
      n = (n << 8) | readByte();
    }
    return n;
  }

  /** A packet body; throws {@link OpenPgpException} (truncated) when the file ends inside it. */
  private final class Body extends BlockInputStream {
    private long remaining;
    private boolean partial;
    private boolean indeterminate;

    void newFormatLength(boolean first) throws IOException {
      int o1 = readByte();
      partial = false;
      if (o1 < 192) {
        remaining = o1;
      } else if (o1 < 224) {
        remaining = ((o1 - 192) << 8) + readByte() + 192;
      } else if (o1 == 255) {
        remaining = readNumber(4);
      } else {
        partial = true;
        remaining = 1L << (o1 & 0x1f);
        if (first && remaining < 512) {
          throw new OpenPgpException(
              Reason.MALFORMED,
              "the first partial body length at byte "
                  + (position - 1)
                  + " is "
                  + remaining
                  + " bytes; the format requires at least 512");
        }
      }
    }

    @Override
    protected int readBlock(byte[] b, int off, int len) throws IOException {
      while (remaining == 0 && partial) {
        newFormatLength(false);
      }
      if (remaining == 0 && !indeterminate) {
        return -1;
      }
      int want = indeterminate ? len : (int) Math.min(len, remaining);
      int n = in.read(b, off, want);
      if (n < 0) {
        if (indeterminate) {
          return -1;
        }
        throw new OpenPgpException(
            Reason.TRUNCATED,
            "the file ends at byte "
                + position
                + ", inside a packet that should be "
                + remaining
                + " bytes longer: it is truncated");
      }
      position += n;
      remaining -= indeterminate ? 0 : n;
      return n;
    }
  }
}
