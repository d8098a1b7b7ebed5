package io.dbbackup.runner.restore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What a restore target already holds: its databases and the objects in {@code postgres}. */
public record TargetState(List<String> databases, List<String> postgresSchemas) {

  /** No database but postgres and the templates, and nothing user-made in postgres. */
  public boolean isEmpty() {
    return databases.isEmpty() && postgresSchemas.isEmpty();
  }

  public static TargetState read(Connection postgres) throws SQLException {
    List<String> databases = new ArrayList<>();
    List<String> schemas = new ArrayList<>();
    try (Statement s = postgres.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"
                  + " ORDER BY 1")) {
        while (rs.next()) {
          databases.add(rs.getString(1));
        }
      }
      // A schema with objects in it, or any schema but public and the system's.
      try (ResultSet rs =
          s.executeQuery(
              "SELECT n.nspname FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%'"
                  + " AND n.nspname <> 'information_schema' AND (n.nspname <> 'public' OR EXISTS"
                  + " (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid)) ORDER BY 1")) {
        while (rs.next()) {
          schemas.add(rs.getString(1));
        }
      }
    }
    return new TargetState(List.copyOf(databases), List.copyOf(schemas));
  }

  @Override
  public String toString() {
    return "databases " + databases + ", schemas in postgres " + postgresSchemas;
  }
}
