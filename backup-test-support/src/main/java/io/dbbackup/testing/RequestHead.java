package io.dbbackup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed HTTP/1.1 request head as {@link FaultProxy} reads it off a client connection, with its
 * raw bytes for forwarding unchanged: the method, target, headers (names lower-cased) and the query
 * parameters and body framing it tells.
 */
record RequestHead(byte[] raw, String method, String target, List<String[]> headers) {

  /** Reads the next head up to its blank line; null when the connection ended between requests. */
  static RequestHead read(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (buf.size() == 0) {
          return null;
        }
        throw new IOException("connection closed in a request head");
      }
      buf.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (buf.size() > 64 * 1024) {
        throw new IOException("request head too large");
      }
    }
    return parse(buf.toByteArray());
  }

  private static RequestHead parse(byte[] raw) {
    String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(
            new String[] {
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim()
            });
      }
    }
    return new RequestHead(raw, requestLine[0], requestLine[1], headers);
  }

  String header(String name) {
    return headers.stream().filter(h -> h[0].equals(name)).map(h -> h[1]).findFirst().orElse(null);
  }

  boolean chunked() {
    String te = header("transfer-encoding");
    return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
  }

  long contentLength() {
    String cl = header("content-length");
    return cl == null ? 0 : Long.parseLong(cl);
  }

  /** The length of the payload: aws-chunked framing sends it as x-amz-decoded-content-length. */
  long payloadLength() {
    String decoded = header("x-amz-decoded-content-length");
    return decoded != null ? Long.parseLong(decoded) : contentLength();
  }

  boolean expectsContinue() {
    String e = header("expect");
    return e != null && e.equalsIgnoreCase("100-continue");
  }

  String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The (undecoded) value of query parameter {@code name}, or null. */
  String queryValue(String name) {
    int q = target.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String p : target.substring(q + 1).split("&")) {
      int eq = p.indexOf('=');
      if (eq >= 0 && p.substring(0, eq).equals(name)) {
        return p.substring(eq + 1);
      }
    }
    return null;
  }

  /**
   * Every query parameter both as written ("partNumber=2") and by its name alone ("partNumber").
   */
  List<String> queryKeys() {
    int q = target.indexOf('?');
    if (q < 0) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    for (String p : target.substring(q + 1).split("&")) {
      keys.add(p);
      int eq = p.indexOf('=');
      if (eq >= 0) {
        keys.add(p.substring(0, eq));
      }
    }
    return keys;
  }
}
