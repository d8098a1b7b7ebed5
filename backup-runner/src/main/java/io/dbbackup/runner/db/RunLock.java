package io.dbbackup.runner.db;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * BATCH-101's exclusion "no duplicate concurrent run": a session-level PostgreSQL advisory lock
 * keyed by namespace/name, held on the run's control connection. It dies with the connection, so a
 * killed runner never leaves a stale lock behind.
 */
public final class RunLock implements AutoCloseable {
  /** The advisory-lock class of dbbackup-operator ("dbb\0"); the object is hashtext(ns/name). */
  static final int LOCK_CLASS = 0x64626200;

  private final Connection connection;
  private final String key;
  private boolean held;

  private RunLock(Connection connection, String key) {
    this.connection = connection;
    this.key = key;
  }

  /**
   * Takes the lock or fails at once.
   *
   * @throws RunnerException {@link ExitCode#LOCKED} when another run holds it
   */
  public static RunLock acquire(Connection connection, String key) {
    RunLock lock = new RunLock(connection, key);
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
      ps.setInt(1, LOCK_CLASS);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        lock.held = rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new RunnerException(
          ExitCode.DATABASE_UNREACHABLE, "cannot take the run lock: " + e.getMessage(), e);
    }
    if (!lock.held) {
      throw new RunnerException(
          ExitCode.LOCKED, "another run of " + key + " is in progress (it holds the run lock)");
    }
    return lock;
  }

  @Override
  public void close() {
    if (!held) {
      return;
    }
    held = false;
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
      ps.setInt(1, LOCK_CLASS);
      ps.setString(2, key);
      ps.execute();
    } catch (SQLException e) {
      // the connection is gone, and the lock with it
    }
  }
}
