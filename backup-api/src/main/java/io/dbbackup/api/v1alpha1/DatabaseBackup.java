package io.dbbackup.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A scheduled, verified, retained PostgreSQL backup: the resource users apply. */
@Group(DatabaseBackup.GROUP)
@Version(DatabaseBackup.VERSION)
@ShortNames({"dbb", "dbbackup"})
@AdditionalPrinterColumn(
    name = "Schedule",
    jsonPath = ".spec.schedule",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last Success",
    jsonPath = ".status.lastSuccessfulBackup.completionTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Last Result",
    jsonPath = ".status.lastBackup.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".status.lastBackup.size",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Verified",
    jsonPath = ".status.lastBackup.verifiedBy",
    type = AdditionalPrinterColumn.Type.STRING)
// A string: kubectl prints future times in date columns as <invalid>.
@AdditionalPrinterColumn(
    name = "Next",
    jsonPath = ".status.nextScheduleTime",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DatabaseBackup extends CustomResource<DatabaseBackupSpec, DatabaseBackupStatus>
    implements Namespaced {
  public static final String GROUP = "dbbackup.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected DatabaseBackupSpec initSpec() {
    return new DatabaseBackupSpec();
  }

  @Override
  protected DatabaseBackupStatus initStatus() {
    return new DatabaseBackupStatus();
  }
}
