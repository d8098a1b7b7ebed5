package io.dbbackup.api.validation;

import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.dbbackup.api.v1alpha1.DatabaseRestoreSpec;
import io.dbbackup.api.v1alpha1.DecryptionSpec;
import io.dbbackup.api.v1alpha1.RestoreTargetSpec;
import io.dbbackup.api.v1alpha1.SecretReferences;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a DatabaseRestore against its CRD schema ({@link CrdSchema}) and beyond it; every message
 * names its field.
 */
public final class DatabaseRestoreValidator {
  private static final Pattern BACKUP_ID = Pattern.compile("^(latest|\\d{8}T\\d{6}Z-[0-9a-f]{4})$");

  private DatabaseRestoreValidator() {}

  public static List<Violation> validate(DatabaseRestore restore) {
    List<Violation> v = new ArrayList<>();
    metadata(v, restore);
    DatabaseRestoreSpec spec = restore.getSpec();
    if (spec == null) {
      v.add(new Violation("spec", "must be set"));
      return v;
    }
    List<SecretReferences.Entry> secrets = SecretReferences.of(spec);
    backup(v, spec);
    target(v, spec.getTarget());
    KubernetesNames.secretReferences(v, secrets, "spec.target.");
    databases(v, spec.getDatabases());
    DecryptionSpec decryption = spec.getDecryption();
    if (decryption != null
        && (decryption.getPrivateKeySecretRef() == null)
            == (decryption.getPassphraseSecretRef() == null)) {
      v.add(
          new Violation(
              "spec.decryption", "set exactly one of privateKeySecretRef or passphraseSecretRef"));
    }
    KubernetesNames.secretReferences(v, secrets, "spec.decryption.");
    return Violations.merge(Violations.schema(CrdSchema.RESTORES, restore), v);
  }

  private static void metadata(List<Violation> v, DatabaseRestore restore) {
    if (restore.getMetadata() == null || blank(restore.getMetadata().getName())) {
      v.add(new Violation("metadata.name", "must be set"));
      return;
    }
    KubernetesNames.add(
        v, "metadata.name", KubernetesNames.dnsLabel(restore.getMetadata().getName()));
    String namespace = restore.getMetadata().getNamespace();
    if (namespace != null) {
      KubernetesNames.add(v, "metadata.namespace", KubernetesNames.dnsLabel(namespace));
    }
  }

  private static void backup(List<Violation> v, DatabaseRestoreSpec spec) {
    if (spec.getBackupRef() == null || blank(spec.getBackupRef().getName())) {
      v.add(new Violation("spec.backupRef.name", "must name the DatabaseBackup to restore from"));
    } else {
      // The backup's folder and object keys: a DatabaseBackup name, so a DNS label.
      KubernetesNames.add(
          v, "spec.backupRef.name", KubernetesNames.dnsLabel(spec.getBackupRef().getName()));
    }
    if (spec.getBackupId() == null || !BACKUP_ID.matcher(spec.getBackupId()).matches()) {
      v.add(
          new Violation(
              "spec.backupId",
              "must be latest or a backup id like 20261124T020000Z-7f3a, got "
                  + quote(spec.getBackupId())));
    }
  }

  private static void target(List<Violation> v, RestoreTargetSpec target) {
    if (target == null) {
      v.add(
          new Violation(
              "spec.target", "must be set (host, port, user of the server to restore into)"));
      return;
    }
    if (blank(target.getHost())) {
      v.add(new Violation("spec.target.host", "must be set"));
    }
    if (blank(target.getUser())) {
      v.add(new Violation("spec.target.user", "must be set"));
    }
  }

  private static void databases(List<Violation> v, List<String> list) {
    List<String> databases = list == null ? List.of() : list;
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < databases.size(); i++) {
      String db = databases.get(i);
      String field = "spec.databases[" + i + "]";
      if (blank(db)) {
        v.add(new Violation(field, "must name a database"));
      } else if (db.equals("template0")) {
        v.add(new Violation(field, "template0 is not in a pg_dumpall backup"));
      } else if (!distinct.add(db)) {
        v.add(new Violation(field, quote(db) + " is listed twice"));
      }
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String quote(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
