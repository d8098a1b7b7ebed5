package io.dbbackup.runner.restore;

import io.dbbackup.runner.pipeline.DumpScanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies a pg_dumpall script to psql, keeping the restoring role's own password: the script's
 * globals section ({@code ALTER ROLE <role> WITH ... PASSWORD '...'}) would otherwise replace it
 * with the source server's, and psql's next {@code \connect} would be refused. Everything after the
 * globals passes through untouched, in one streaming pass.
 */
final class RestoreStream {
  /** The longest line read as one (longer ones pass in pieces): the dump parser's limit. */
  private static final int MAX_LINE = DumpScanner.MAX_LINE;

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
    long copied = 0;
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int b;
    while ((b = plain.read()) >= 0) {
      line.write(b);
      if (b != '\n' && line.size() < MAX_LINE) {
        continue;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.startsWith("\\connect ")) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        psql.write(bytes);
        return copied + bytes.length + plain.transferTo(psql);
      }
      Matcher m = ownPassword.matcher(text.stripTrailing());
      byte[] bytes =
          (m.matches() ? m.group(1) + m.group(2) + "\n" : text).getBytes(StandardCharsets.UTF_8);
      psql.write(bytes);
      copied += bytes.length;
    }
    byte[] rest = line.toByteArray();
    psql.write(rest);
    return copied + rest.length;
  }
}
