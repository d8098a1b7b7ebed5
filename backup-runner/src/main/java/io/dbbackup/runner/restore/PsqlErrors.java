package io.dbbackup.runner.restore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads psql's stderr during a restore: every {@code ERROR:} is logged and counted, except the one
 * a pg_dumpall restore always meets — {@code role "x" already exists} for roles the target has (the
 * dump's ALTER ROLE that follows sets them as in the backup).
 */
final class PsqlErrors {
  private static final Logger LOG = LoggerFactory.getLogger(PsqlErrors.class);
  private static final Pattern ROLE_EXISTS =
      Pattern.compile("ERROR:\\s+role \".*\" already exists");
  private static final int KEPT = 10;

  private final List<String> errors = new ArrayList<>();
  private int count;
  private int benign;
  private final Thread reader;

  PsqlErrors(InputStream stderr) {
    reader = Thread.ofPlatform().daemon().name("psql-stderr").start(() -> drain(stderr));
  }

  private void drain(InputStream stderr) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        boolean error = line.contains("ERROR:");
        boolean harmless = error && ROLE_EXISTS.matcher(line).find();
        synchronized (this) {
          if (harmless) {
            benign++;
          } else if (error) {
            count++;
            if (errors.size() < KEPT) {
              errors.add(line);
            }
          }
        }
        LOG.atWarn().addKeyValue("event", harmless ? "restore_notice" : "restore_stderr").log(line);
      }
    } catch (IOException e) {
      // psql went away; what was read counts
    }
  }

  void await() throws InterruptedException {
    reader.join();
  }

  synchronized int count() {
    return count;
  }

  synchronized int benign() {
    return benign;
  }

  synchronized List<String> first() {
    return List.copyOf(errors);
  }
}
