package io.dbbackup.runner.restore;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.api.v1alpha1.DatabaseSpec;
import io.dbbackup.runner.Deadline;
import io.dbbackup.runner.ExitCode;
import io.dbbackup.runner.RunSettings;
import io.dbbackup.runner.RunnerException;
import io.dbbackup.runner.Sizes;
import io.dbbackup.runner.StorageErrors;
import io.dbbackup.runner.chunk.ChunkFormat;
import io.dbbackup.runner.chunk.ChunkKey;
import io.dbbackup.runner.chunk.ChunkStream;
import io.dbbackup.runner.chunk.ChunkVerifier;
import io.dbbackup.runner.chunk.IndexReader;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.crypto.Decryptor;
import io.dbbackup.runner.crypto.OpenPgpConfig;
import io.dbbackup.runner.crypto.OpenPgpException;
import io.dbbackup.runner.db.ConnectionSettings;
import io.dbbackup.runner.db.DatabaseProbe;
import io.dbbackup.runner.history.RecordedChecksum;
import io.dbbackup.runner.pipeline.CompressAndEncrypt;
import io.dbbackup.runner.pipeline.Compressor;
import io.dbbackup.runner.pipeline.PgTools;
import io.dbbackup.runner.pipeline.ProcessGroup;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.ChunkIndex;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.verify.BackupVerifier;
import io.dbbackup.runner.verify.KeyCheck;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A restore (BATCH-101 API-308): find the backup, verify it end to end first, check the target,
 * then stream it — decompressed — into stock {@code psql}, as a DBA would by hand. A non-empty
 * target is refused unless {@code overwrite}, which replaces the databases the backup holds: those
 * the verified dump has sections for, never those its manifest lists.
 */
public final class RestoreRun {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);
  private static final int BUFFER = 256 * 1024;

  /** What was restored. */
  public record Result(String backupId, long dumpBytes, int benignErrors, Duration duration) {}

  private final BackupConfig backup;
  private final DatabaseRestoreSpec spec;
  private final BackupStore store;
  private final RunSettings settings;
  private final PgTools tools;
  private final Deadline deadline;

  public RestoreRun(
      BackupConfig backup,
      DatabaseRestoreSpec spec,
      BackupStore store,
      RunSettings settings,
      PgTools tools) {
    this(backup, spec, store, settings, tools, Deadline.untimed());
  }

  /**
   * @param deadline when it passes (a SIGTERM), the verification stops and psql's process group is
   *     ended; the restore then fails, never reported as done
   */
  public RestoreRun(
      BackupConfig backup,
      DatabaseRestoreSpec spec,
      BackupStore store,
      RunSettings settings,
      PgTools tools,
      Deadline deadline) {
    this.backup = backup;
    this.spec = spec;
    this.store = store;
    this.settings = settings;
    this.tools = tools;
    this.deadline = deadline;
  }

  /**
   * Reads every secret a restore uses: the source's database password when it is given (for the
   * history cross-check), the target's password and the decryption key or passphrase, so that a
   * missing or empty file fails with exit 2 naming its field before anything is read or changed.
   */
  public static void readSecrets(BackupConfig backup, DatabaseRestoreSpec spec) {
    // The source's password only serves the optional history cross-check: in the cluster the
    // restore pod is not given it (least privilege), so an absent file skips the cross-check,
    // while a file that is there must be usable.
    var source = backup.spec().getDatabase().getPasswordSecretRef();
    if (source == null
        || java.nio.file.Files.exists(
            backup.secrets().dir().resolve(source.getName()).resolve(source.getKey()))) {
      RecordedChecksum.requireSecrets(backup);
    }
    if (spec.getTarget() != null) {
      ConnectionSettings.from(targetAsDatabase(spec), backup.secrets(), "spec.target");
    }
    if (spec.getDecryption() != null) {
      OpenPgpConfig.restoreDecryptor(spec.getDecryption(), backup.secrets());
    }
    if (backup.spec().getIncremental() != null) {
      ChunkKey.read(backup.spec().getIncremental().getChunkKeySecretRef(), backup.secrets());
    }
  }

  public Result execute() {
    long start = System.nanoTime();
    if (!spec.getBackupRef().getName().equals(backup.name())) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.backupRef.name: the restore names DatabaseBackup "
              + spec.getBackupRef().getName()
              + " but -f is "
              + backup.qualifiedName());
    }
    Manifest manifest = find(spec.getBackupId());
    MDC.put("backup", backup.qualifiedName());
    MDC.put("backup_id", manifest.id());
    try {
      if (manifest.isIncremental()) {
        return executeIncremental(manifest, start);
      }
      Compressor compressor = Compressor.of(manifest.compression());
      Decryptor decryptor = decryptorFor(manifest);
      ConnectionSettings target =
          ConnectionSettings.from(targetAsDatabase(spec), backup.secrets(), "spec.target");
      // Before the backup is read and before the target is changed in any way.
      checkTargetVersion(target, manifest);
      requireKeyOpens(manifest, decryptor);
      LOG.atInfo().addKeyValue("event", "restore_verify").log("verifying the backup first");
      // The databases come from the dump itself, read while it is verified: an overwrite drops
      // only what the dump recreates, never what a manifest (which anyone who can write the store
      // can change) claims.
      DatabaseSelection sections = new DatabaseSelection(OutputStream.nullOutputStream(), Set.of());
      BackupVerifier.Result verified =
          new BackupVerifier(store, settings.progressInterval())
              .verify(manifest, decryptor, deadline::expired, sections);
      closeQuietly(sections);
      if (!verified.full()) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "backup " + manifest.id() + " could not be read in full before the restore");
      }
      Set<String> held = Set.copyOf(sections.seen());
      RecordedChecksum.crossCheck(backup, manifest.id(), verified.sha256());

      Set<String> selection = selection(manifest, sections.seen());
      deadline.check();
      prepareTarget(target, held, selection);
      deadline.check();
      int benign =
          stream(target, manifest, compressor, decryptor, selection, verified.sha256(), null);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      LOG.atInfo()
          .addKeyValue("event", "restore_summary")
          .addKeyValue("target", target.toString())
          .addKeyValue("dump_bytes", manifest.dumpBytes())
          .addKeyValue("duration_s", took.toSeconds())
          .log("restore succeeded");
      return new Result(manifest.id(), manifest.dumpBytes(), benign, took);
    } finally {
      MDC.remove("backup");
      MDC.remove("backup_id");
    }
  }

  /**
   * An incremental backup: its index (checked against the manifest), every chunk there with its
   * size (a missing one refused, exit 7, before the target is touched), then the whole dump read
   * once, each chunk decrypted, decompressed and its HMAC checked, and the plain dump's SHA-256
   * compared with the manifest's; only then the target is prepared and the chunks streamed again,
   * checked again, into psql.
   */
  private Result executeIncremental(Manifest manifest, long start) {
    Decryptor decryptor = decryptorFor(manifest);
    ConnectionSettings target =
        ConnectionSettings.from(targetAsDatabase(spec), backup.secrets(), "spec.target");
    var inc = backup.spec().getIncremental();
    if (inc == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          ChunkKey.FIELD
              + ": backup "
              + manifest.id()
              + " is incremental; the DatabaseBackup given with -f must name its chunk key");
    }
    ChunkKey key = ChunkKey.read(inc.getChunkKeySecretRef(), backup.secrets());
    checkTargetVersion(target, manifest);
    ChunkIndex index = IndexReader.read(store, manifest);
    String missing;
    try {
      missing = new ChunkVerifier(store.chunks()).present(index);
    } catch (IOException e) {
      throw StorageErrors.classify("checking the chunks of " + manifest.id(), e);
    }
    if (missing != null) {
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + manifest.id() + ": " + missing + "; nothing was restored");
    }
    ChunkFormat format = IndexReader.format(manifest, decryptor);
    LOG.atInfo()
        .addKeyValue("event", "restore_verify")
        .addKeyValue("chunks", index.chunks().size())
        .log("verifying the backup's chunks first");
    DatabaseSelection sections = new DatabaseSelection(OutputStream.nullOutputStream(), Set.of());
    try (DigestInputStream plain =
        new DigestInputStream(
            new ChunkStream(store.chunks(), index, format, key, deadline::expired), sha256())) {
      plain.transferTo(sections);
      String sha = Sha256.hex(plain.getMessageDigest());
      if (manifest.plainSha256() != null && !sha.equals(manifest.plainSha256())) {
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "backup "
                + manifest.id()
                + ": the chunks make a dump of SHA-256 "
                + sha
                + ", the manifest records "
                + manifest.plainSha256()
                + "; nothing was restored");
      }
    } catch (ChunkStream.BadChunkException e) {
      if (e.getCause() instanceof OpenPgpException pgp
          && (pgp.reason() == OpenPgpException.Reason.NO_MATCHING_KEY
              || pgp.reason() == OpenPgpException.Reason.WRONG_PASSPHRASE)) {
        throw new RunnerException(
            ExitCode.INVALID_CONFIG,
            "spec.decryption: the key given does not open backup "
                + manifest.id()
                + ": "
                + pgp.getMessage()
                + " (give the private key or passphrase it was encrypted with)",
            e);
      }
      deadline.check();
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup " + manifest.id() + ": " + e.getMessage() + "; nothing was restored",
          e);
    } catch (IOException e) {
      deadline.check();
      throw StorageErrors.classify("reading the chunks of " + manifest.id(), e);
    }
    closeQuietly(sections);
    Set<String> held = Set.copyOf(sections.seen());
    Set<String> selection = selection(manifest, sections.seen());
    deadline.check();
    prepareTarget(target, held, selection);
    deadline.check();
    int benign =
        stream(
            target,
            manifest,
            null,
            decryptor,
            selection,
            null,
            new ChunkStream(store.chunks(), index, format, key, deadline::expired));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LOG.atInfo()
        .addKeyValue("event", "restore_summary")
        .addKeyValue("target", target.toString())
        .addKeyValue("dump_bytes", manifest.dumpBytes())
        .addKeyValue("chunks", index.chunks().size())
        .addKeyValue("duration_s", took.toSeconds())
        .log("restore succeeded");
    return new Result(manifest.id(), manifest.dumpBytes(), benign, took);
  }

  private Manifest find(String id) {
    Catalog catalog;
    try {
      catalog = Catalog.read(store);
    } catch (IOException e) {
      throw StorageErrors.classify("listing backups", e);
    }
    return catalog
        .pick(id)
        .orElseThrow(
            () ->
                new RunnerException(
                    ExitCode.INVALID_CONFIG,
                    "spec.backupId: no good backup "
                        + id
                        + " of "
                        + backup.qualifiedName()
                        + " (see `backup-runner list`)"));
  }

  /**
   * The databases spec.databases selects, each one the backup holds; empty for all of them. The
   * roles and other globals are restored either way: the databases' objects need their owners.
   */
  private Set<String> selection(Manifest manifest, Set<String> sections) {
    List<String> wanted = spec.getDatabases() == null ? List.of() : spec.getDatabases();
    if (wanted.isEmpty()) {
      return Set.of();
    }
    List<String> held = List.copyOf(sections);
    List<String> unknown = wanted.stream().filter(d -> !held.contains(d)).toList();
    if (!unknown.isEmpty()) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.databases: backup "
              + manifest.id()
              + " holds no database "
              + String.join(", ", unknown)
              + " (it holds "
              + String.join(", ", held)
              + ")");
    }
    return new LinkedHashSet<>(wanted);
  }

  /**
   * pg_dumpall's script loads into a server of its own major or a newer one: a target of an older
   * major than the backup's source server, or than the pg_dumpall that wrote it (which writes
   * options an older server does not know, such as LOCALE_PROVIDER), is refused with exit 2.
   */
  private void checkTargetVersion(ConnectionSettings target, Manifest manifest) {
    DatabaseProbe probe = new DatabaseProbe(target, 3, Duration.ofSeconds(5), settings.sleeper());
    String version;
    int major;
    try (Connection c = probe.connect("postgres");
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT current_setting('server_version'),"
                    + " current_setting('server_version_num')::int")) {
      rs.next();
      version = rs.getString(1);
      major = rs.getInt(2) / 10000;
    } catch (SQLException e) {
      throw unreachable("reading the restore target's version", e);
    }
    int sourceMajor = PgTools.majorVersion(String.valueOf(manifest.serverVersion()));
    if (sourceMajor > major) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.target: the target "
              + target
              + " runs PostgreSQL "
              + version
              + ", an older major than PostgreSQL "
              + manifest.serverVersion()
              + ", the server backup "
              + manifest.id()
              + " was taken from; a dump loads only into its own major or a newer one: restore"
              + " into a PostgreSQL "
              + sourceMajor
              + " or newer server");
    }
    int dumpMajor =
        manifest.pgDumpVersion() == null ? -1 : PgTools.majorVersion(manifest.pgDumpVersion());
    if (dumpMajor > major) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.target: the target "
              + target
              + " runs PostgreSQL "
              + version
              + "; backup "
              + manifest.id()
              + " of a PostgreSQL "
              + manifest.serverVersion()
              + " server was written by "
              + manifest.pgDumpVersion()
              + ", whose script uses options a PostgreSQL "
              + major
              + " server does not know (such as LOCALE_PROVIDER): restore into a PostgreSQL "
              + dumpMajor
              + " or newer server");
    }
  }

  /** {@code held}: the databases the dump has sections for. */
  private void prepareTarget(ConnectionSettings target, Set<String> held, Set<String> selection) {
    DatabaseProbe probe = new DatabaseProbe(target, 3, Duration.ofSeconds(5), settings.sleeper());
    TargetState state;
    try (Connection c = probe.connect("postgres")) {
      state = TargetState.read(c);
    } catch (SQLException e) {
      throw unreachable("inspecting the restore target", e);
    }
    if (!selection.isEmpty()) {
      prepareTargetFor(selection, state, probe, target);
      return;
    }
    if (state.isEmpty()) {
      return;
    }
    if (!spec.isOverwrite()) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.overwrite: the target "
              + target
              + " is not empty ("
              + state
              + "); set spec.overwrite: true to replace the databases the backup holds");
    }
    // Replace what the backup holds: its databases are dropped and the dump recreates them;
    // postgres, which pg_dumpall does not create, is recreated empty first.
    replace(
        probe,
        held.stream()
            .sorted()
            .filter(n -> !n.startsWith("template"))
            .filter(n -> n.equals("postgres") || state.databases().contains(n))
            .toList());
  }

  /**
   * Only the selected databases matter: the target may hold others, which are left alone. A
   * selected database the target already has (postgres: with objects in it) is refused, or with
   * spec.overwrite dropped so the dump recreates it.
   */
  private void prepareTargetFor(
      Set<String> selection, TargetState state, DatabaseProbe probe, ConnectionSettings target) {
    List<String> clashes =
        selection.stream()
            .filter(
                d ->
                    state.databases().contains(d)
                        || (d.equals("postgres") && !state.postgresSchemas().isEmpty()))
            .toList();
    if (clashes.isEmpty()) {
      return;
    }
    if (!spec.isOverwrite()) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.overwrite: the target "
              + target
              + " already holds "
              + String.join(", ", clashes)
              + " of spec.databases; set spec.overwrite: true to replace them");
    }
    replace(probe, clashes);
  }

  /**
   * Drops the target's {@code databases} for the dump to recreate; postgres always exists after.
   */
  private void replace(DatabaseProbe probe, List<String> databases) {
    try (Connection c = probe.connect("template1");
        Statement s = c.createStatement()) {
      for (String name : databases) {
        LOG.atWarn()
            .addKeyValue("event", "restore_drop")
            .addKeyValue("database", name)
            .log("overwrite: dropping the target's database to restore the backup's");
        s.execute("DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)");
      }
      if (!exists(s, "postgres")) {
        s.execute("CREATE DATABASE postgres TEMPLATE template0");
      }
    } catch (SQLException e) {
      throw unreachable("replacing the target's databases", e);
    }
  }

  private static RunnerException unreachable(String what, SQLException e) {
    return new RunnerException(
        ExitCode.DATABASE_UNREACHABLE, what + " failed: " + e.getMessage(), e);
  }

  /** A key or passphrase that does not open the backup is exit 2 naming spec.decryption. */
  private void requireKeyOpens(Manifest manifest, Decryptor decryptor) {
    KeyCheck.requireOpens(
        store,
        manifest,
        decryptor,
        "spec.decryption",
        "give the private key or passphrase it was encrypted with");
  }

  private Decryptor decryptorFor(Manifest manifest) {
    if (!manifest.encrypted()) {
      return null;
    }
    if (spec.getDecryption() == null) {
      throw new RunnerException(
          ExitCode.INVALID_CONFIG,
          "spec.decryption: backup "
              + manifest.id()
              + " is encrypted ("
              + manifest.encryption().mode()
              + (manifest.encryption().recipients() == null
                  ? ""
                  : ", for " + manifest.encryption().recipients())
              + "); set privateKeySecretRef or passphraseSecretRef");
    }
    return OpenPgpConfig.restoreDecryptor(spec.getDecryption(), backup.secrets());
  }

  private int stream(
      ConnectionSettings target,
      Manifest manifest,
      Compressor compressor,
      Decryptor decryptor,
      Set<String> selection,
      String verifiedSha256,
      ChunkStream chunked) {
    Process psql;
    try {
      psql =
          tools.startInOwnSession(
              List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=0", "-d", "template1"),
              target.libpqEnvironment(),
              ProcessBuilder.Redirect.PIPE,
              ProcessBuilder.Redirect.DISCARD);
    } catch (IOException e) {
      throw new RunnerException(ExitCode.FAILED, "cannot start psql: " + e.getMessage(), e);
    }
    Process started = psql;
    // A stop (SIGTERM) ends psql and whatever it started; the copy into it then fails.
    deadline.onExpiry(() -> endPsql(started));
    PsqlErrors errors = new PsqlErrors(psql.getErrorStream());
    LOG.atInfo()
        .addKeyValue("event", "restore_start")
        .addKeyValue("target", target.toString())
        .addKeyValue("dump_bytes", manifest.dumpBytes())
        .addKeyValue("databases", selection.isEmpty() ? "all" : String.join(",", selection))
        .log("streaming the backup into psql");
    OutputStream psqlIn = psql.getOutputStream();
    DatabaseSelection sections =
        selection.isEmpty()
            ? null
            : new DatabaseSelection(new BufferedOutputStream(psqlIn, BUFFER), selection);
    try (psqlIn;
        OutputStream in = sections == null ? psqlIn : sections;
        InputStream raw =
            chunked != null
                ? InputStream.nullInputStream()
                : store.open(manifest.backupId(), manifest.file());
        DigestInputStream stored = new DigestInputStream(raw, sha256());
        InputStream plain =
            chunked != null ? chunked : CompressAndEncrypt.read(stored, decryptor, compressor)) {
      RestoreStream.copy(
          new java.io.BufferedInputStream(plain, BUFFER), in, spec.getTarget().getUser());
      stored.transferTo(OutputStream.nullOutputStream());
      String streamed = Sha256.hex(stored.getMessageDigest());
      if (chunked == null && !streamed.equals(verifiedSha256)) {
        // Replaced between the verification and the restore: say so, never report success.
        psql.destroyForcibly();
        throw new RunnerException(
            ExitCode.VERIFICATION_FAILED,
            "backup "
                + manifest.id()
                + ": "
                + manifest.file()
                + " changed after it was verified (SHA-256 "
                + streamed
                + ", verified "
                + verifiedSha256
                + "); the restore is incomplete");
      }
    } catch (ChunkStream.BadChunkException e) {
      // Changed between the verification and the restore: say so, never report success.
      psql.destroyForcibly();
      throw new RunnerException(
          ExitCode.VERIFICATION_FAILED,
          "backup "
              + manifest.id()
              + ": "
              + e.getMessage()
              + " (it changed after it was verified); the restore is incomplete",
          e);
    } catch (IOException e) {
      psql.destroyForcibly();
      throw new RunnerException(
          ExitCode.FAILED, "streaming the backup into psql failed: " + e.getMessage(), e);
    }
    if (sections != null && !sections.seen().containsAll(selection)) {
      // Never report a restore of a database whose section was not found in the script.
      psql.destroyForcibly();
      throw new RunnerException(
          ExitCode.FAILED,
          "spec.databases: the backup's script has no section for "
              + String.join(
                  ", ", selection.stream().filter(d -> !sections.seen().contains(d)).toList())
              + " (sections found: "
              + String.join(", ", sections.seen())
              + ")");
    }
    try {
      int status = psql.waitFor();
      errors.await();
      if (status != 0 || errors.count() > 0) {
        throw new RunnerException(
            ExitCode.FAILED,
            "psql reported "
                + errors.count()
                + " error(s) (exit status "
                + status
                + "); first: "
                + String.join(" | ", errors.first()));
      }
      return errors.benign();
    } catch (InterruptedException e) {
      psql.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RunnerException(ExitCode.FAILED, "interrupted during the restore");
    }
  }

  /** Ends psql's process group (its own session), or psql alone where it has none. */
  private static void endPsql(Process psql) {
    if (!psql.isAlive()) {
      return;
    }
    long pid = psql.pid();
    if (ProcessGroup.groupOf(pid).orElse(-1) == pid) {
      new ProcessGroup(pid).end(2_000);
    }
    psql.destroyForcibly();
    LOG.atWarn()
        .addKeyValue("event", "restore_stopped")
        .addKeyValue("pid", pid)
        .log("psql stopped; the target holds part of the backup at most");
  }

  private static MessageDigest sha256() {
    return Sha256.newDigest();
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // a stream into nothing
    }
  }

  private static DatabaseSpec targetAsDatabase(DatabaseRestoreSpec spec) {
    var t = spec.getTarget();
    DatabaseSpec db = new DatabaseSpec();
    db.setHost(t.getHost());
    db.setPort(t.getPort());
    db.setUser(t.getUser());
    db.setPasswordSecretRef(t.getPasswordSecretRef());
    db.setSslMode(t.getSslMode());
    return db;
  }

  private static boolean exists(Statement s, String db) throws SQLException {
    try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = " + quoteLiteral(db))) {
      return rs.next();
    }
  }

  private static String quoteIdent(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String quoteLiteral(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Human-readable size of a restore, for the command's output. */
  public static String describe(Result r) {
    return "restored backup "
        + r.backupId()
        + " ("
        + Sizes.human(r.dumpBytes())
        + " of SQL) in "
        + r.duration().toSeconds()
        + " s";
  }
}
