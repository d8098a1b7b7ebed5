package io.dbbackup.runner.db;

import io.dbbackup.api.v1alpha1.DatabaseSpec;
import io.dbbackup.api.v1alpha1.SslMode;
import io.dbbackup.runner.config.Secret;
import io.dbbackup.runner.config.SecretFiles;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.error.RunnerException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How to reach the server, for JDBC and for libpq child processes. {@code field} is where the
 * resource sets them ({@code spec.database}, or {@code spec.target} for a restore), for messages.
 */
public record ConnectionSettings(
    String host, int port, String user, Secret password, SslMode sslMode, String field) {
  static final String APPLICATION_NAME = "dbbackup-runner";
  static final int CONNECT_TIMEOUT_SECONDS = 30;

  public ConnectionSettings(String host, int port, String user, Secret password, SslMode sslMode) {
    this(host, port, user, password, sslMode, "spec.database");
  }

  public static ConnectionSettings from(DatabaseSpec db, SecretFiles secrets) {
    return from(db, secrets, "spec.database");
  }

  /**
   * The settings of {@code db}, set at {@code field} of the resource.
   *
   * @throws io.dbbackup.runner.error.RunnerException {@link ExitCode#INVALID_CONFIG} when the
   *     password file is missing or empty
   */
  public static ConnectionSettings from(DatabaseSpec db, SecretFiles secrets, String field) {
    Secret password = null;
    if (db.getPasswordSecretRef() != null) {
      String ref = field + ".passwordSecretRef";
      password = secrets.read(ref, db.getPasswordSecretRef());
      if (password.value().isEmpty()) {
        throw new RunnerException(
            ExitCode.INVALID_CONFIG,
            ref
                + ": password file "
                + secrets
                    .dir()
                    .resolve(db.getPasswordSecretRef().getName())
                    .resolve(db.getPasswordSecretRef().getKey())
                + " is empty (put the password of "
                + field
                + ".user there, or drop passwordSecretRef when the server trusts the user)");
      }
    }
    return new ConnectionSettings(
        db.getHost(),
        db.getPort(),
        db.getUser(),
        password,
        db.getSslMode() == null ? SslMode.PREFER : db.getSslMode(),
        field);
  }

  public String jdbcUrl(String database) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  public Properties jdbcProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password.value());
    }
    p.setProperty("sslmode", sslMode.libpqName());
    p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    p.setProperty("ApplicationName", APPLICATION_NAME);
    return p;
  }

  /** A DataSource for libraries that open their own connections (Flyway). */
  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl(database));
    ds.setUser(user);
    if (password != null) {
      ds.setPassword(password.value());
    }
    ds.setSslmode(sslMode.libpqName());
    ds.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
    ds.setApplicationName(APPLICATION_NAME);
    return ds;
  }

  /**
   * The only environment a libpq child (pg_dumpall, psql) gets: connection settings and the
   * password, nothing inherited from the runner.
   */
  public Map<String, String> libpqEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PGHOST", host);
    env.put("PGPORT", Integer.toString(port));
    env.put("PGUSER", user);
    env.put("PGSSLMODE", sslMode.libpqName());
    env.put("PGCONNECT_TIMEOUT", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    env.put("PGAPPNAME", APPLICATION_NAME);
    env.put("PGPASSFILE", "/dev/null");
    if (password != null) {
      env.put("PGPASSWORD", password.value());
    }
    return env;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + " sslmode=" + sslMode.libpqName();
  }
}
