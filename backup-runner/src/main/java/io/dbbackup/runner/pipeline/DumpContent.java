package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a pg_dumpall script holds, counted from the script itself as it goes by (the dump pass, or a
 * stored dump read back): the roles it creates, its databases, and per database the rows of each
 * table's COPY data and the large objects it creates. Counting the stream rather than the source
 * means a busy source, whose tables change while they are dumped, never causes a false alarm.
 */
public final class DumpContent implements DumpScanner.Listener {
  private static final String CREATE_ROLE = "CREATE ROLE ";
  private static final String LO_CREATE = "SELECT pg_catalog.lo_create(";

  /** One table's COPY rows; {@code name} as the script writes it (quoted where needed). */
  public record Table(String name, long rows) {}

  /** One database's section: its tables' rows and its large objects. */
  public record Database(String name, List<Table> tables, long largeObjects) {
    public Database {
      tables = List.copyOf(tables);
    }

    public long rows() {
      return tables.stream().mapToLong(Table::rows).sum();
    }
  }

  /** The whole script's content. */
  public record Summary(List<String> roles, List<Database> databases) {
    public Summary {
      roles = List.copyOf(roles);
      databases = List.copyOf(databases);
    }

    public int tables() {
      return databases.stream().mapToInt(d -> d.tables().size()).sum();
    }

    public long rows() {
      return databases.stream().mapToLong(Database::rows).sum();
    }

    public long largeObjects() {
      return databases.stream().mapToLong(Database::largeObjects).sum();
    }
  }

  private final DumpScanner scanner = new DumpScanner(this);
  private final Set<String> roles = new LinkedHashSet<>();
  private final Map<String, Section> databases = new LinkedHashMap<>();
  private Section current;
  private long[] rows;

  private static final class Section {
    final Map<String, long[]> tables = new LinkedHashMap<>();
    long largeObjects;
  }

  /** Feeds the next bytes of the script. */
  public void update(byte[] b, int off, int len) {
    try {
      scanner.update(b, off, len);
    } catch (IOException e) {
      throw new IllegalStateException("the counting listener does not write", e);
    }
  }

  @Override
  public void sectionStart(String database) {
    current = databases.computeIfAbsent(database, d -> new Section());
    rows = null;
  }

  @Override
  public void statement(String line, boolean globals) {
    if (globals) {
      if (line.startsWith(CREATE_ROLE) && line.endsWith(";")) {
        String name = line.substring(CREATE_ROLE.length(), line.length() - 1).strip();
        int end = SqlIdentifiers.identifierEnd(name, 0);
        roles.add(SqlIdentifiers.unquote(name.substring(0, end)));
      }
    } else if (current != null && line.startsWith(LO_CREATE)) {
      current.largeObjects++;
    }
  }

  @Override
  public void copyStart(String table) {
    if (current == null) {
      current = databases.computeIfAbsent("", d -> new Section());
    }
    rows = current.tables.computeIfAbsent(table, t -> new long[1]);
  }

  @Override
  public void copyRow() {
    if (rows != null) {
      rows[0]++;
    }
  }

  /** What has been counted so far (the whole script's content once it has ended). */
  public Summary summary() {
    List<Database> dbs = new ArrayList<>();
    databases.forEach(
        (name, s) -> {
          List<Table> tables = new ArrayList<>();
          s.tables.forEach((t, n) -> tables.add(new Table(t, n[0])));
          dbs.add(new Database(name, tables, s.largeObjects));
        });
    return new Summary(new ArrayList<>(roles), dbs);
  }
}
