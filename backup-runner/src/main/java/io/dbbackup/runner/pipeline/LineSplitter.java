package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.util.Arrays;

/**
 * Cuts a script into lines as its bytes go by: each whole line (with its newline) in one call,
 * without a copy when it lies within one buffer; a line longer than {@link #MAX_LINE} in pieces,
 * never held whole. The one line splitter of dump scripts: {@link DumpScanner} and the restore's
 * password filter both read through it.
 */
public final class LineSplitter {
  /** The longest line held as one; longer lines are never markers and pass in pieces. */
  public static final int MAX_LINE = 1 << 20;

  /** Receives the lines; the arrays are only valid during the call. */
  public interface Lines {
    /** A whole line, ending with its newline. */
    void line(byte[] b, int off, int len) throws IOException;

    /**
     * A piece of a line longer than {@link #MAX_LINE}; {@code first}: its first piece (the others
     * follow, the last one ending with the newline).
     */
    void longLinePiece(byte[] b, int off, int len, boolean first) throws IOException;

    /** The script's last line, which has no newline (from {@link #finish}). */
    void lastLine(byte[] b, int off, int len) throws IOException;
  }

  private final Lines lines;
  private byte[] held = new byte[256];
  private int heldLength;
  private boolean inLongLine;

  public LineSplitter(Lines lines) {
    this.lines = lines;
  }

  public void update(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        take(b, start, i + 1 - start, true);
        start = i + 1;
      }
    }
    if (start < end) {
      take(b, start, end - start, false);
    }
  }

  /** Passes on the held last line, if the script does not end with a newline. */
  public void finish() throws IOException {
    if (heldLength > 0) {
      int n = heldLength;
      heldLength = 0;
      lines.lastLine(held, 0, n);
    }
  }

  private void take(byte[] b, int off, int len, boolean endsLine) throws IOException {
    if (inLongLine) {
      inLongLine = !endsLine;
      lines.longLinePiece(b, off, len, false);
      return;
    }
    if (endsLine && heldLength == 0) {
      lines.line(b, off, len); // the common case: a whole line in the buffer, not copied
      return;
    }
    if (heldLength + len > held.length) {
      held = Arrays.copyOf(held, Math.max(held.length * 2, heldLength + len));
    }
    System.arraycopy(b, off, held, heldLength, len);
    heldLength += len;
    int n = heldLength;
    if (endsLine) {
      heldLength = 0;
      lines.line(held, 0, n);
    } else if (n > MAX_LINE) {
      heldLength = 0;
      inLongLine = true;
      lines.longLinePiece(held, 0, n, true);
    }
  }
}
