package io.dbbackup.runner.restore;

import io.dbbackup.runner.pipeline.GlobalsFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies a pg_dumpall script to psql, keeping the restoring role's own password: the script's
 * globals section ({@code ALTER ROLE <role> WITH ... PASSWORD '...'}) would otherwise replace it
 * with the source server's, and psql's next {@code \connect} would be refused. Everything after the
 * globals passes through untouched, in one streaming pass ({@link GlobalsFilter}).
 */
final class RestoreStream {
  private RestoreStream() {}

  /** Returns the bytes copied. */
  static long copy(InputStream plain, OutputStream psql, String restoringRole) throws IOException {
    Pattern ownPassword =
        Pattern.compile(
            "^(ALTER ROLE (?:"
                + Pattern.quote(restoringRole)
                + "|"
                + Pattern.quote("\"" + restoringRole.replace("\"", "\"\"") + "\"")
                + ") WITH .*?) PASSWORD '[^']*'(;)$");
    GlobalsFilter filter =
        new GlobalsFilter(
            psql,
            line -> {
              Matcher m = ownPassword.matcher(line.stripTrailing());
              return m.matches() ? m.group(1) + m.group(2) + "\n" : null;
            });
    plain.transferTo(filter);
    filter.finish();
    return filter.written();
  }
}
