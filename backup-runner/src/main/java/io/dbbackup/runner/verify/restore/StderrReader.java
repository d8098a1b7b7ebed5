package io.dbbackup.runner.verify.restore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Reads psql's stderr; keeps the first ERROR and the lines that explain it. */
final class StderrReader {
  private final Thread thread;
  private String first;

  StderrReader(InputStream in) {
    thread = Thread.ofPlatform().daemon().name("scratch-psql-stderr").start(() -> drain(in));
  }

  private void drain(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      StringBuilder error = null;
      int extra = 0;
      while ((line = r.readLine()) != null) {
        if (error == null && (line.contains("ERROR:") || line.contains("FATAL:"))) {
          error = new StringBuilder(line.strip());
        } else if (error != null
            && extra < 1
            // DETAIL and CONTEXT may quote the backup's data: not repeated here.
            && line.startsWith("HINT:")) {
          error.append(" ").append(line.strip());
          extra++;
        }
        if (error != null) {
          synchronized (this) {
            first = error.toString();
          }
        }
      }
    } catch (IOException e) {
      // psql went away; what was read counts
    }
  }

  void await() throws InterruptedException {
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }

  synchronized String first() {
    return first;
  }
}
