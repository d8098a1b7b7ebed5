package io.dbbackup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams a request body as its head frames it (Content-Length or chunked, framing included), never
 * buffering it, optionally stopping after a number of bytes (a connection dropped mid-body).
 */
final class FramedBody {
  private FramedBody() {}

  /**
   * Copies the request body of {@code head} from {@code in} to {@code out}; returns false, having
   * copied {@code limit} bytes, when the limit stops it early.
   */
  static boolean copy(RequestHead head, InputStream in, OutputStream out, long limit)
      throws IOException {
    Limited o = new Limited(out, limit);
    return head.chunked() ? copyChunked(in, o) : o.copy(in, head.contentLength());
  }

  /**
   * Reads and drops the body of a request about to be answered without forwarding it, unless the
   * client waits for a 100 Continue before sending it.
   */
  static void discard(RequestHead head, InputStream in) throws IOException {
    if (!head.expectsContinue()) {
      copy(head, in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
    }
  }

  private static boolean copyChunked(InputStream in, Limited o) throws IOException {
    while (true) {
      String sizeLine = readLine(in);
      if (!o.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII))) {
        return false;
      }
      int semi = sizeLine.indexOf(';');
      long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        String trailer;
        do {
          trailer = readLine(in);
          if (!o.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII))) {
            return false;
          }
        } while (!trailer.isEmpty());
        return true;
      }
      if (!o.copy(in, size + 2)) {
        return false;
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in a chunked body");
      }
      if (prev == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
      }
      line.write(b);
      prev = b;
    }
  }

  /** A stream writing at most {@code limit} bytes. */
  private static final class Limited {
    private final OutputStream out;
    private long left;

    Limited(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    boolean write(byte[] b) throws IOException {
      int n = (int) Math.min(b.length, left);
      out.write(b, 0, n);
      left -= n;
      return n == b.length;
    }

    boolean copy(InputStream in, long length) throws IOException {
      byte[] buf = new byte[64 * 1024];
      long remaining = length;
      while (remaining > 0) {
        if (left == 0) {
          return false;
        }
        int want = (int) Math.min(Math.min(buf.length, remaining), left);
        int n = in.read(buf, 0, want);
        if (n < 0) {
          throw new IOException("client closed mid-body");
        }
        out.write(buf, 0, n);
        left -= n;
        remaining -= n;
      }
      return true;
    }
  }
}
