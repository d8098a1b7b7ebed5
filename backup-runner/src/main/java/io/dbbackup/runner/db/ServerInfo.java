package io.dbbackup.runner.db;

import io.dbbackup.runner.store.Manifest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The server's version and its databases with their sizes. */
public record ServerInfo(String version, int versionNum, List<Manifest.DatabaseInfo> databases) {

  public int majorVersion() {
    return versionNum / 10000;
  }

  public long totalDatabaseBytes() {
    return databases.stream().mapToLong(Manifest.DatabaseInfo::sizeBytes).sum();
  }

  static ServerInfo read(Connection c) throws SQLException {
    String version;
    int num;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version'),"
                    + " current_setting('server_version_num')::int")) {
      rs.next();
      version = rs.getString(1);
      num = rs.getInt(2);
    }
    List<Manifest.DatabaseInfo> dbs = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname, pg_database_size(oid) FROM pg_database"
                    + " WHERE datallowconn ORDER BY datname")) {
      while (rs.next()) {
        dbs.add(new Manifest.DatabaseInfo(rs.getString(1), rs.getLong(2)));
      }
    }
    return new ServerInfo(version, num, List.copyOf(dbs));
  }
}
