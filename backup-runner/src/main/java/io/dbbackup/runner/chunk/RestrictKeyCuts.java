package io.dbbackup.runner.chunk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Puts each <code>&#92;restrict &lt;key&gt;</code> and <code>&#92;unrestrict &lt;key&gt;</code>
 * line of a dump into a chunk of its own. pg_dump 17.6, 16.10, 15.14 and later write a random key
 * at the start and end of every database's script, so two dumps of unchanged data differ exactly
 * there; without the cuts each key changes the chunk around it (up to {@link
 * FastCdcOutputStream#MAX} bytes, and the next cut can move too), with them an unchanged night
 * stores a few lines.
 *
 * <p>A line that merely starts like a key line (a COPY value beginning with a carriage return,
 * escaped as <code>&#92;r</code>) gets the same cuts: cuts decide only how well chunks are shared,
 * never what the chunks hold.
 */
public final class RestrictKeyCuts extends OutputStream {
  private static final byte[][] PREFIXES = {
    "\\restrict ".getBytes(StandardCharsets.US_ASCII),
    "\\unrestrict ".getBytes(StandardCharsets.US_ASCII)
  };
  private static final int LONGEST = PREFIXES[1].length;

  private final FastCdcOutputStream chunker;

  /** The start of the current line, held back while it may still become a key line. */
  private final byte[] held = new byte[LONGEST];

  private int heldLength;
  private boolean lineStart = true;
  private boolean matching;
  private boolean inKeyLine;

  public RestrictKeyCuts(FastCdcOutputStream chunker) {
    this.chunker = chunker;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int n) throws IOException {
    int end = off + n;
    int from = off; // start of the bytes not yet passed on
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (lineStart) {
        lineStart = false;
        if (c == '\\') {
          chunker.write(b, from, i - from);
          from = i + 1;
          matching = true;
          held[0] = c;
          heldLength = 1;
          continue;
        }
      } else if (matching) {
        held[heldLength++] = c;
        from = i + 1;
        int state = match();
        if (state < 0) {
          release(false);
        } else if (state > 0) {
          release(true);
        }
        if (c == '\n') {
          lineStart = true;
        }
        continue;
      }
      if (c == '\n') {
        lineStart = true;
        if (inKeyLine) {
          chunker.write(b, from, i + 1 - from);
          from = i + 1;
          chunker.cut();
          inKeyLine = false;
        }
      }
    }
    if (from < end) {
      chunker.write(b, from, end - from);
    }
  }

  /** 1 when the held bytes are a whole prefix, 0 while they may become one, -1 when they cannot. */
  private int match() {
    boolean possible = false;
    for (byte[] prefix : PREFIXES) {
      int compare = Math.min(prefix.length, heldLength);
      boolean same = true;
      for (int k = 0; k < compare && same; k++) {
        same = prefix[k] == held[k];
      }
      if (same && heldLength >= prefix.length) {
        return 1;
      }
      possible |= same;
    }
    return possible ? 0 : -1;
  }

  private void release(boolean keyLine) throws IOException {
    if (keyLine) {
      chunker.cut();
      inKeyLine = true;
    }
    chunker.write(held, 0, heldLength);
    heldLength = 0;
    matching = false;
  }

  @Override
  public void flush() throws IOException {
    chunker.flush();
  }

  @Override
  public void close() throws IOException {
    if (matching) {
      release(false);
    }
    chunker.close();
  }
}
