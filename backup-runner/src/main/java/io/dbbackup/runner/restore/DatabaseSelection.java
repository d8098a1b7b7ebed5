package io.dbbackup.runner.restore;

import io.dbbackup.runner.pipeline.DumpScanner;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Passes on only the selected databases of a pg_dumpall script (spec.databases of a
 * DatabaseRestore): the globals (roles, tablespaces, role settings) and the selected databases'
 * sections, in one streaming pass, byte for byte. Where a section starts is {@link DumpScanner}'s
 * to say (the same parser counts a dump's content while it is written).
 */
final class DatabaseSelection extends OutputStream {
  static final int MAX_LINE = DumpScanner.MAX_LINE;

  private final OutputStream out;
  private final Set<String> selected;
  private final Set<String> seen = new LinkedHashSet<>();
  private final DumpScanner scanner;

  /** Before the first section (the globals) and for the cluster's trailer: passed on. */
  private boolean keep = true;

  DatabaseSelection(OutputStream out, Set<String> selected) {
    this.out = out;
    this.selected = Set.copyOf(selected);
    this.scanner =
        new DumpScanner(
            new DumpScanner.Listener() {
              @Override
              public void bytes(byte[] b, int off, int len) throws IOException {
                if (keep) {
                  out.write(b, off, len);
                }
              }

              @Override
              public void sectionStart(String database) {
                seen.add(database);
                keep = DatabaseSelection.this.selected.contains(database);
              }

              @Override
              public void clusterEnd() {
                keep = true; // the cluster's trailer, as pg_dumpall ends every script
              }
            });
  }

  /** The databases whose sections went by, in order: kept or not. */
  Set<String> seen() {
    return seen;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    scanner.update(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Passes on what is held (a last line without newline, a held "--"), then closes. */
  @Override
  public void close() throws IOException {
    try {
      scanner.finish();
    } finally {
      out.close();
    }
  }
}
