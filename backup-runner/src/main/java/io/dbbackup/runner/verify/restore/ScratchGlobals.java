package io.dbbackup.runner.verify.restore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes a pg_dumpall script to the scratch cluster's psql, moving each tablespace of the globals
 * into the scratch folder: {@code CREATE TABLESPACE <name> OWNER <role> LOCATION '<path>';} names a
 * path of the source's server, which does not exist in the runner pod (and must not be written
 * there), so it becomes a fresh folder of the scratch cluster. Everything from the first {@code
 * \connect} on (the databases) passes through untouched, in the same streaming pass.
 */
final class ScratchGlobals extends OutputStream {
  private static final Pattern CREATE_TABLESPACE =
      Pattern.compile("^(CREATE TABLESPACE .+ LOCATION )'(?:[^']|'')*'(;)\\s*$");
  private static final int MAX_LINE = 1 << 20;

  private final OutputStream out;
  private final IntFunction<Path> tablespaceDir;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean inDatabases;
  private int tablespaces;

  /** {@code tablespaceDir}: a new empty folder for the n-th tablespace. */
  ScratchGlobals(OutputStream out, IntFunction<Path> tablespaceDir) {
    this.out = out;
    this.tablespaceDir = tablespaceDir;
  }

  int tablespaces() {
    return tablespaces;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end && !inDatabases) {
      byte c = b[i++];
      line.write(c);
      if (c == '\n' || line.size() >= MAX_LINE) {
        endLine();
      }
    }
    if (i < end) {
      out.write(b, i, end - i);
    }
  }

  private void endLine() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.startsWith("\\connect ")) {
      inDatabases = true;
    } else {
      Matcher m = CREATE_TABLESPACE.matcher(text);
      if (m.matches()) {
        Path dir = tablespaceDir.apply(++tablespaces);
        text = m.group(1) + "'" + dir.toString().replace("'", "''") + "'" + m.group(2) + "\n";
      }
    }
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      if (line.size() > 0) {
        line.writeTo(out);
        line.reset();
      }
    } finally {
      out.close();
    }
  }
}
