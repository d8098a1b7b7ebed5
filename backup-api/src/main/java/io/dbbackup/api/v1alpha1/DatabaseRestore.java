package io.dbbackup.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A one-off restore of a backup into a PostgreSQL server (BATCH-101 API-308). */
@Group(DatabaseBackup.GROUP)
@Version(DatabaseBackup.VERSION)
@ShortNames({"dbr", "dbrestore"})
@AdditionalPrinterColumn(
    name = "Backup",
    jsonPath = ".spec.backupRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Backup Id",
    jsonPath = ".status.backupId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DatabaseRestore extends CustomResource<DatabaseRestoreSpec, DatabaseRestoreStatus>
    implements Namespaced {

  @Override
  protected DatabaseRestoreSpec initSpec() {
    return new DatabaseRestoreSpec();
  }

  @Override
  protected DatabaseRestoreStatus initStatus() {
    return new DatabaseRestoreStatus();
  }
}
