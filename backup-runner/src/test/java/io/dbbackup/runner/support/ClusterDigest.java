package io.dbbackup.runner.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a cluster holds, as comparable digests: databases, roles (with password hashes), table
 * contents, grants, large objects, sequences. Two clusters with equal digests hold the same data,
 * whatever the bytes of the dumps that carried it.
 */
public final class ClusterDigest {
  private ClusterDigest() {}

  public static Map<String, String> of(String host, int port, String user, String password)
      throws SQLException {
    Map<String, String> digest = new TreeMap<>();
    List<String> databases = new ArrayList<>();
    try (Connection c = connect(host, port, "postgres", user, password);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT d.datname, pg_encoding_to_char(d.encoding), r.rolname FROM pg_database d"
                  + " JOIN pg_roles r ON r.oid = d.datdba WHERE d.datallowconn ORDER BY 1")) {
        while (rs.next()) {
          databases.add(rs.getString(1));
          digest.put("database " + rs.getString(1), rs.getString(2) + " owner " + rs.getString(3));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT rolname, rolsuper, rolcanlogin, rolpassword FROM pg_authid"
                  + " WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 1")) {
        while (rs.next()) {
          digest.put(
              "role " + rs.getString(1),
              rs.getBoolean(2) + " " + rs.getBoolean(3) + " " + rs.getString(4));
        }
      }
    }
    for (String db : databases) {
      try (Connection c = connect(host, port, db, user, password)) {
        tables(c, db, digest);
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT oid, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid")) {
          while (rs.next()) {
            digest.put(db + " large object " + rs.getLong(1), rs.getString(2));
          }
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
                        + " ORDER BY 1")) {
          while (rs.next()) {
            digest.put(db + " sequence " + rs.getString(1), String.valueOf(rs.getLong(2)));
          }
        }
      }
    }
    return digest;
  }

  private static void tables(Connection c, String db, Map<String, String> digest)
      throws SQLException {
    List<String[]> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, c.relname, coalesce(c.relacl::text, ''),"
                    + " pg_get_userbyid(c.relowner), c.relkind FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v')"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2")) {
      while (rs.next()) {
        tables.add(
            new String[] {
              rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)
            });
      }
    }
    for (String[] t : tables) {
      String qualified = "\"" + t[0] + "\".\"" + t[1] + "\"";
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text),"
                      + " '')) FROM "
                      + qualified
                      + " t")) {
        rs.next();
        digest.put(
            db + " table " + t[0] + "." + t[1],
            rs.getLong(1) + " rows " + rs.getString(2) + " acl " + t[2] + " owner " + t[3]);
      }
    }
  }

  private static Connection connect(String host, int port, String db, String user, String pw)
      throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/" + db, user, pw);
  }
}
