package io.dbbackup.api.validation;

import io.dbbackup.api.v1alpha1.BackupType;
import io.dbbackup.api.v1alpha1.CompressionAlgorithm;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseBackupSpec;
import io.dbbackup.api.v1alpha1.DatabaseSpec;
import io.dbbackup.api.v1alpha1.EncryptionSpec;
import io.dbbackup.api.v1alpha1.HistorySpec;
import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.api.v1alpha1.SecretReferences;
import io.dbbackup.api.v1alpha1.StorageSpec;
import io.dbbackup.api.v1alpha1.VerificationSpec;
import io.dbbackup.api.v1alpha1.VolumeStorageSpec;
import io.dbbackup.api.v1alpha1.WindowSpec;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a DatabaseBackup against its CRD schema and beyond what the schema can: the runner refuses
 * to start and the controller reports {@code Ready=False} with these messages. Every message names
 * its field.
 */
public final class DatabaseBackupValidator {
  private static final Pattern HH_MM = Pattern.compile(WindowSpec.TIME_PATTERN);
  private static final Pattern SQL_IDENTIFIER = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
  private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
  private static final Set<String> SSE = Set.of("", "AES256", "aws:kms");
  private static final Set<String> CHECKSUM_MODES = Set.of("when_supported", "when_required");
  private static final Set<String> CONDITIONAL_WRITES = Set.of("auto", "required", "off");

  private final List<Violation> violations = new ArrayList<>();
  private List<SecretReferences.Entry> secrets = List.of();

  private DatabaseBackupValidator() {}

  /**
   * All violations: the CRD schema's (bounds, patterns, enums, required fields: {@link CrdSchema},
   * read from the generated CRD, so they are never repeated here) and the checks beyond it; empty
   * when the resource is valid. Where both speak of one field, the message written here wins (it
   * says more than a pattern).
   */
  public static List<Violation> validate(DatabaseBackup backup) {
    DatabaseBackupValidator v = new DatabaseBackupValidator();
    v.check(backup);
    return Violations.merge(Violations.schema(CrdSchema.BACKUPS, backup), v.violations);
  }

  private void check(DatabaseBackup backup) {
    if (backup.getMetadata() == null || isBlank(backup.getMetadata().getName())) {
      add("metadata.name", "must be set");
    } else {
      // Name and namespace are folders, object key segments and the lock's key.
      KubernetesNames.add(
          violations, "metadata.name", KubernetesNames.dnsLabel(backup.getMetadata().getName()));
      String namespace = backup.getMetadata().getNamespace();
      if (namespace != null) {
        KubernetesNames.add(violations, "metadata.namespace", KubernetesNames.dnsLabel(namespace));
      }
    }
    DatabaseBackupSpec spec = backup.getSpec();
    if (spec == null) {
      add("spec", "must be set");
      return;
    }
    secrets = SecretReferences.of(spec);
    schedule(spec);
    incremental(spec);
    compression(spec);
    if (spec.getVerification() != null
        && spec.getVerification().getMode() == VerificationSpec.Mode.RESTORE) {
      if (!spec.isVerify()) {
        add("spec.verification.mode", "restore needs spec.verify: true");
      }
    }
    database(spec.getDatabase());
    storage(spec.getStorage());
    encryption(spec.getEncryption());
    history(spec.getHistory());
    violations.addAll(NotificationsValidator.validate(spec.getNotifications()));
  }

  private void incremental(DatabaseBackupSpec spec) {
    boolean incremental = spec.getType() == BackupType.INCREMENTAL;
    if (incremental && spec.getIncremental() == null) {
      add(
          "spec.incremental",
          "must be set with type: incremental (chunkKeySecretRef: the Secret key holding the"
              + " chunk naming key)");
    } else if (!incremental && spec.getIncremental() != null) {
      add("spec.incremental", "goes with type: incremental (type is full)");
    } else if (incremental && spec.getIncremental().getChunkKeySecretRef() == null) {
      add(
          "spec.incremental.chunkKeySecretRef",
          "must be set (the Secret key holding at least 32 bytes of chunk naming key)");
    } else if (incremental) {
      secrets("spec.incremental.");
      if (spec.getVerification() != null
          && spec.getVerification().getMode() == VerificationSpec.Mode.RESTORE) {
        add(
            "spec.verification.mode",
            "restore is not supported with type: incremental yet; use checksum");
      }
    }
  }

  private void schedule(DatabaseBackupSpec spec) {
    try {
      CronSchedule.parse(spec.getSchedule());
    } catch (IllegalArgumentException e) {
      add("spec.schedule", e.getMessage());
    }
    String zone = spec.getTimeZone();
    if (zone != null && !ZoneId.getAvailableZoneIds().contains(zone)) {
      add(
          "spec.timeZone",
          "\"" + zone + "\" is not an IANA time zone name (e.g. Asia/Tokyo, Europe/Berlin, UTC)");
    }
    WindowSpec window = spec.getWindow();
    if (window != null) {
      boolean startOk = hhmm("spec.window.start", window.getStart());
      boolean endOk = hhmm("spec.window.end", window.getEnd());
      if (startOk && endOk && window.getStart().equals(window.getEnd())) {
        add("spec.window", "start and end must differ (an empty window would skip every run)");
      }
    }
  }

  private boolean hhmm(String field, String value) {
    if (value == null || !HH_MM.matcher(value).matches()) {
      add(field, "must be a time HH:MM (24-hour), got " + quote(value));
      return false;
    }
    return true;
  }

  private void compression(DatabaseBackupSpec spec) {
    if (spec.getCompression() == null || spec.getCompression().getLevel() == null) {
      return;
    }
    CompressionAlgorithm algorithm = spec.effectiveCompression();
    int level = spec.getCompression().getLevel();
    if (algorithm != CompressionAlgorithm.NONE
        && (level < algorithm.minLevel() || level > algorithm.maxLevel())) {
      add(
          "spec.compression.level",
          "must be "
              + algorithm.minLevel()
              + "-"
              + algorithm.maxLevel()
              + " for "
              + algorithm.wireName()
              + ", got "
              + level);
    }
  }

  private void database(DatabaseSpec db) {
    if (db == null) {
      add("spec.database", "must be set (host, port, user of the server to back up)");
      return;
    }
    if (isBlank(db.getHost())) {
      add("spec.database.host", "must be set");
    }
    if (isBlank(db.getUser())) {
      add("spec.database.user", "must be set");
    }
    secrets("spec.database.");
    if (db.getDatabases() != null && !db.getDatabases().isEmpty()) {
      add(
          "spec.database.databases",
          "selecting databases is not supported by this version; leave it empty to dump the"
              + " whole cluster with pg_dumpall");
    }
  }

  private void storage(StorageSpec storage) {
    if (storage == null || (storage.getVolume() == null) == (storage.getS3() == null)) {
      add("spec.storage", "set exactly one of volume or s3");
      return;
    }
    VolumeStorageSpec volume = storage.getVolume();
    if (volume != null) {
      KubernetesNames.add(
          violations, "spec.storage.volume.path", KubernetesNames.absolutePath(volume.getPath()));
      if (volume.getClaimName() != null) {
        KubernetesNames.add(
            violations,
            "spec.storage.volume.claimName",
            KubernetesNames.dnsSubdomain(volume.getClaimName(), "PersistentVolumeClaim"));
      }
    }
    S3StorageSpec s3 = storage.getS3();
    if (s3 != null) {
      if (s3.getBucket() == null || !BUCKET.matcher(s3.getBucket()).matches()) {
        add(
            "spec.storage.s3.bucket",
            "must be a bucket name (3-63 lower-case letters, digits, dots, hyphens), got "
                + quote(s3.getBucket()));
      }
      KubernetesNames.add(
          violations, "spec.storage.s3.prefix", KubernetesNames.relativePath(s3.getPrefix()));
      if (!isBlank(s3.getEndpoint())
          && !(s3.getEndpoint().startsWith("http://") || s3.getEndpoint().startsWith("https://"))) {
        add(
            "spec.storage.s3.endpoint",
            "must be an http:// or https:// URL, got " + quote(s3.getEndpoint()));
      }
      if (s3.getServerSideEncryption() != null && !SSE.contains(s3.getServerSideEncryption())) {
        add(
            "spec.storage.s3.serverSideEncryption",
            "must be empty, AES256 or aws:kms, got " + quote(s3.getServerSideEncryption()));
      }
      if (!isBlank(s3.getKmsKeyId()) && !"aws:kms".equals(s3.getServerSideEncryption())) {
        add(
            "spec.storage.s3.kmsKeyId",
            "goes with serverSideEncryption aws:kms (got serverSideEncryption "
                + quote(s3.getServerSideEncryption())
                + ")");
      }
      secrets("spec.storage.s3.");
      s3Tuning(s3);
    }
  }

  private void s3Tuning(S3StorageSpec s3) {
    if (!CHECKSUM_MODES.contains(String.valueOf(s3.getChecksumMode()))) {
      add(
          "spec.storage.s3.checksumMode",
          "must be when_supported or when_required, got " + quote(s3.getChecksumMode()));
    }
    if (!CONDITIONAL_WRITES.contains(String.valueOf(s3.getConditionalWrites()))) {
      add(
          "spec.storage.s3.conditionalWrites",
          "must be auto, required or off, got " + quote(s3.getConditionalWrites()));
    }
  }

  private void encryption(EncryptionSpec encryption) {
    if (encryption == null) {
      return;
    }
    boolean keys = encryption.getPublicKeysSecretRef() != null;
    boolean pass = encryption.getPassphraseSecretRef() != null;
    if (keys == pass) {
      add("spec.encryption", "set exactly one of publicKeysSecretRef or passphraseSecretRef");
      return;
    }
    secrets("spec.encryption.");
    if (encryption.getVerifyPrivateKeySecretRef() != null && !keys) {
      add(
          "spec.encryption.verifyPrivateKeySecretRef",
          "goes with publicKeysSecretRef (with a passphrase, verify decrypts anyway)");
    }
  }

  private void history(HistorySpec history) {
    if (history == null || !history.isEnabled()) {
      return;
    }
    if (isBlank(history.getDatabase())) {
      add("spec.history.database", "must be set when history is enabled");
    }
    if (history.getSchema() == null || !SQL_IDENTIFIER.matcher(history.getSchema()).matches()) {
      add(
          "spec.history.schema",
          "must be a lower-case SQL identifier (letters, digits, _), got "
              + quote(history.getSchema()));
    }
  }

  /** The names and keys of the spec's {@link SecretReferences} under {@code section}. */
  private void secrets(String section) {
    KubernetesNames.secretReferences(violations, secrets, section);
  }

  private void add(String field, String message) {
    violations.add(new Violation(field, message));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String quote(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
