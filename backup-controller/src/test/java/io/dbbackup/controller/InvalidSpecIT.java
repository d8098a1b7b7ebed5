package io.dbbackup.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the CRD schema cannot refuse, the controller does: Ready=False naming the field, a Warning
 * Event, and the last valid CronJob left exactly as it was.
 */
class InvalidSpecIT extends ControllerTestBase {

  static Stream<Arguments> invalidChanges() {
    UnaryOperator<DatabaseBackup> badCron =
        b -> {
          b.getSpec().setSchedule("0 25 * * *");
          return b;
        };
    UnaryOperator<DatabaseBackup> badZone =
        b -> {
          b.getSpec().setTimeZone("Mars/Olympus");
          return b;
        };
    UnaryOperator<DatabaseBackup> twoStorages =
        b -> {
          S3StorageSpec s3 = new S3StorageSpec();
          s3.setBucket("shop-backups");
          b.getSpec().getStorage().setS3(s3);
          return b;
        };
    UnaryOperator<DatabaseBackup> missingSecret =
        b -> {
          b.getSpec().getDatabase().getPasswordSecretRef().setName("nope");
          return b;
        };
    UnaryOperator<DatabaseBackup> missingKey =
        b -> {
          b.getSpec().getDatabase().getPasswordSecretRef().setKey("pass");
          return b;
        };
    return Stream.of(
        Arguments.of(
            "bad-cron",
            badCron,
            "InvalidSpec",
            "spec.schedule: \"0 25 * * *\" is not a valid cron expression"),
        Arguments.of(
            "bad-zone",
            badZone,
            "InvalidSpec",
            "spec.timeZone: \"Mars/Olympus\" is not an IANA time zone name"),
        Arguments.of(
            "two-storages",
            twoStorages,
            "InvalidSpec",
            "spec.storage: set exactly one of volume or s3"),
        Arguments.of(
            "no-secret",
            missingSecret,
            "SecretNotFound",
            "spec.database.passwordSecretRef.name: Secret nope not found in namespace shop"),
        Arguments.of(
            "no-key",
            missingKey,
            "SecretNotFound",
            "spec.database.passwordSecretRef.key: Secret pg-backup has no key \"pass\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidChanges")
  void invalidChangeIsRefusedNamingTheFieldAndTheCronJobStays(
      String name, UnaryOperator<DatabaseBackup> change, String reason, String message) {
    cluster.create(Fixtures.volumeBackup(NS, name));
    awaitReady(name, "True");
    CronJob before = cronJob(name);

    edit(name, change);
    DatabaseBackup refused = awaitReady(name, "False");
    assertThat(ready(refused).getReason()).isEqualTo(reason);
    assertThat(ready(refused).getMessage()).contains(message);

    TestConfig.eventually()
        .untilAsserted(
            () -> {
              List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
              assertThat(events)
                  .filteredOn(e -> e.getInvolvedObject().getName().equals(name))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo(reason);
                        assertThat(e.getMessage()).contains(message);
                      });
            });
    CronJob after = cronJob(name);
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
    assertThat(client.configMaps().inNamespace(NS).withName(name + "-runner-config").get())
        .isNotNull();
    assertThat(client.rbac().roles().inNamespace(NS).withName(name + "-runner").get()).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidChanges")
  void invalidNewResourceGetsNoChildrenAndRecoversWhenFixed(
      String name, UnaryOperator<DatabaseBackup> change, String reason, String message) {
    String fresh = "new-" + name;
    cluster.create(change.apply(Fixtures.volumeBackup(NS, fresh)));
    DatabaseBackup refused = awaitReady(fresh, "False");
    assertThat(ready(refused).getReason()).isEqualTo(reason);
    assertThat(cronJob(fresh)).isNull();

    client.resources(DatabaseBackup.class).inNamespace(NS).withName(fresh).delete();
    TestConfig.eventually().until(() -> backup(fresh) == null);
    cluster.create(Fixtures.volumeBackup(NS, fresh));
    awaitReady(fresh, "True");
    assertThat(cronJob(fresh)).isNotNull();
  }
}
