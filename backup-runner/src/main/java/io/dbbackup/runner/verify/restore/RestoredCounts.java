package io.dbbackup.runner.verify.restore;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import io.dbbackup.runner.pipeline.DumpContent;
import io.dbbackup.runner.pipeline.PgTools;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a scratch cluster holds after a restore, compared with what the dump held as counted in the
 * dump stream ({@link DumpContent}): every role and database, per table the rows ({@code count(*)
 * FROM ONLY}) and per database the large objects.
 */
final class RestoredCounts {
  private static final int MAX_MISMATCHES = 10;

  private final PgTools tools;
  private final ScratchCluster cluster;

  RestoredCounts(PgTools tools, ScratchCluster cluster) {
    this.tools = tools;
    this.cluster = cluster;
  }

  /**
   * Adds to {@code mismatches} what differs between the dump's counts and the scratch cluster's, at
   * most ten and "and more".
   *
   * @throws RunnerException when the counts cannot be read (what was found until then is kept)
   */
  void compare(DumpContent.Summary expected, List<String> mismatches) {
    Set<String> databases = new HashSet<>(query("postgres", "SELECT datname FROM pg_database;"));
    Set<String> roles = new HashSet<>(query("postgres", "SELECT rolname FROM pg_roles;"));
    for (String role : expected.roles()) {
      if (!roles.contains(role)) {
        add(mismatches, "role \"" + role + "\" is in the dump but was not restored");
      }
    }
    for (DumpContent.Database db : expected.databases()) {
      if (db.name().isEmpty()) {
        continue;
      }
      if (!databases.contains(db.name())) {
        add(mismatches, "database \"" + db.name() + "\" is in the dump but was not restored");
        continue;
      }
      compare(db, mismatches);
    }
  }

  /** A restored database's rows per table and large objects against the dump's counts. */
  private void compare(DumpContent.Database db, List<String> mismatches) {
    StringBuilder sql = new StringBuilder();
    for (DumpContent.Table t : db.tables()) {
      sql.append("SELECT count(*) FROM ONLY ").append(t.name()).append(";\n");
    }
    sql.append("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata;\n");
    List<String> counts = query(db.name(), sql.toString());
    if (counts.size() != db.tables().size() + 1) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "counting the restored rows of \"" + db.name() + "\" gave " + counts.size() + " results");
    }
    for (int i = 0; i < db.tables().size(); i++) {
      DumpContent.Table t = db.tables().get(i);
      long restored = Long.parseLong(counts.get(i));
      if (restored != t.rows()) {
        add(
            mismatches,
            "\""
                + db.name()
                + "\" "
                + t.name()
                + ": "
                + t.rows()
                + " rows in the dump, "
                + restored
                + " restored");
      }
    }
    long los = Long.parseLong(counts.getLast());
    if (los < db.largeObjects()) {
      add(
          mismatches,
          "\""
              + db.name()
              + "\": "
              + db.largeObjects()
              + " large objects in the dump, "
              + los
              + " restored");
    }
  }

  private static void add(List<String> mismatches, String m) {
    if (mismatches.size() < MAX_MISMATCHES) {
      mismatches.add(m);
    } else if (mismatches.size() == MAX_MISMATCHES) {
      mismatches.add("and more");
    }
  }

  /** Runs {@code sql} in {@code database} of the scratch cluster; the values, in order. */
  private List<String> query(String database, String sql) {
    try {
      Process p =
          tools.start(
              cluster.psql(database, "-At", "-0", "-v", "ON_ERROR_STOP=1"),
              Map.of(),
              ProcessBuilder.Redirect.PIPE,
              ProcessBuilder.Redirect.PIPE);
      StderrReader err = new StderrReader(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        in.write(sql.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new RunnerException(ExitCode.TIMEOUT, "counting the restored rows took too long");
      }
      err.await();
      if (p.exitValue() != 0) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "counting in the restored \"" + database + "\" failed: " + err.first());
      }
      List<String> values = new ArrayList<>();
      for (String v : out.split("\0")) {
        String s = v.strip();
        if (!s.isEmpty()) {
          values.add(v.replaceFirst("^\n", ""));
        }
      }
      return values;
    } catch (IOException e) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED, "cannot query the scratch cluster: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted while counting");
    }
  }
}
