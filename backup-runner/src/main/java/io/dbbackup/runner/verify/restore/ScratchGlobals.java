package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.pipeline.GlobalsFilter;
import java.io.IOException;
import java.io.OutputStream;
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

  private final IntFunction<Path> tablespaceDir;
  private final GlobalsFilter filter;
  private int tablespaces;

  /** {@code tablespaceDir}: a new empty folder for the n-th tablespace. */
  ScratchGlobals(OutputStream out, IntFunction<Path> tablespaceDir) {
    this.tablespaceDir = tablespaceDir;
    this.filter = new GlobalsFilter(out, this::moveTablespace);
  }

  int tablespaces() {
    return tablespaces;
  }

  private String moveTablespace(String line) {
    Matcher m = CREATE_TABLESPACE.matcher(line);
    if (!m.matches()) {
      return null;
    }
    Path dir = tablespaceDir.apply(++tablespaces);
    return m.group(1) + "'" + dir.toString().replace("'", "''") + "'" + m.group(2) + "\n";
  }

  @Override
  public void write(int b) throws IOException {
    filter.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    filter.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    filter.flush();
  }

  @Override
  public void close() throws IOException {
    filter.close();
  }
}
