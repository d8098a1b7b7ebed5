package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes a pg_dumpall script on, letting a {@link Rewrite} replace lines of its globals (roles,
 * tablespaces: everything before the first {@code \connect}); from that line on the script passes
 * through untouched, in the same streaming pass. Lines come from {@link LineSplitter}; a line too
 * long to be a statement of the globals and the last line without newline pass as they are.
 */
public final class GlobalsFilter extends OutputStream implements LineSplitter.Lines {
  /** What replaces a line of the globals. */
  @FunctionalInterface
  public interface Rewrite {
    /**
     * @param line the line with its newline
     * @return its replacement, with a newline, or null to keep it
     */
    String line(String line) throws IOException;
  }

  private final OutputStream out;
  private final Rewrite rewrite;
  private final LineSplitter splitter = new LineSplitter(this);
  private boolean inDatabases;
  private long written;

  public GlobalsFilter(OutputStream out, Rewrite rewrite) {
    this.out = out;
    this.rewrite = rewrite;
  }

  /** The bytes passed on so far. */
  public long written() {
    return written;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (inDatabases) {
      pass(b, off, len);
      return;
    }
    splitter.update(b, off, len);
    if (inDatabases) {
      splitter.finish(); // what it holds comes before the next bytes, which pass directly
    }
  }

  @Override
  public void line(byte[] b, int off, int len) throws IOException {
    if (inDatabases) {
      pass(b, off, len);
      return;
    }
    String text = new String(b, off, len, StandardCharsets.UTF_8);
    if (text.startsWith("\\connect ")) {
      inDatabases = true;
      pass(b, off, len);
      return;
    }
    String replaced = rewrite.line(text);
    if (replaced == null) {
      pass(b, off, len);
    } else {
      byte[] bytes = replaced.getBytes(StandardCharsets.UTF_8);
      pass(bytes, 0, bytes.length);
    }
  }

  @Override
  public void longLinePiece(byte[] b, int off, int len, boolean first) throws IOException {
    pass(b, off, len);
  }

  @Override
  public void lastLine(byte[] b, int off, int len) throws IOException {
    pass(b, off, len);
  }

  private void pass(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written += len;
  }

  /** Passes on a last line without newline; the stream underneath stays open. */
  public void finish() throws IOException {
    splitter.finish();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }
}
