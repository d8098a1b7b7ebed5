package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.controller.dependent.RunnerRoleDependent;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The controller's rights are exactly what it uses, and hold what it grants each runner (a Role may
 * only grant what its creator holds).
 *
 * <p>The table, reviewed against the code (grep of every client call in backup-controller and of
 * what JOSDK 5.2.3 calls with server-side apply off):
 *
 * <ul>
 *   <li>databasebackups list, watch: the primary informer; get: StatusPatcher reads before each
 *       patch; patch: OnDemandRun writes {@code dbbackup.io/run-now-handled}.
 *   <li>databasebackups/status patch: StatusPatcher (JSON Patch); get: only because the runner's
 *       Role grants it.
 *   <li>configmaps, serviceaccounts, roles, rolebindings, cronjobs list, watch: the dependents'
 *       informers; create, update: KubernetesDependentResource with useSSA=false (POST, PUT). No
 *       get (the informer cache answers), no patch, no delete (owner references and Kubernetes'
 *       garbage collector remove them).
 *   <li>jobs list, watch: the backup-jobs informer and the restore's Job dependent; create:
 *       OnDemandRun and the restore's dependents (its Job and ConfigMap, created once, never read
 *       back).
 *   <li>databaserestores list, watch: the restore controller's informer; databaserestores/status
 *       patch: StatusPatcher's JSON Patch, the restore re-read from the informer cache (no GET).
 *       The DatabaseBackup a restore names comes from an informer (databasebackups list, watch).
 *   <li>pods list: a finished restore's pod, by its label, for the termination message.
 *   <li>secrets get: SpecCheck reads each referenced Secret by name; the notification sender reads
 *       the Secrets a DatabaseBackup's channels name with the same GET. The chart's default
 *       channels' Secrets have their own Role with resourceNames (ChartNotificationsTest).
 *   <li>events create: BackupEvents (core/v1), and the runner's Role grants it (RunEvents).
 *   <li>leases get, create, update (release namespace, with leader election): JOSDK's
 *       LeaderElectionManager checks exactly these. Its SelfSubjectRulesReview is allowed to every
 *       authenticated user by Kubernetes' default system:basic-user role.
 * </ul>
 */
class ChartRbacTest {
  static final Set<String> CONTROLLER =
      rules(
          "dbbackup.io databasebackups get list watch patch",
          "dbbackup.io databasebackups/status get patch",
          "dbbackup.io databaserestores list watch",
          "dbbackup.io databaserestores/status patch",
          "core pods list",
          "core configmaps list watch create update",
          "core serviceaccounts list watch create update",
          "rbac.authorization.k8s.io roles list watch create update",
          "rbac.authorization.k8s.io rolebindings list watch create update",
          "batch cronjobs list watch create update",
          "batch jobs list watch create",
          "core secrets get",
          "core events create");

  /** rbac.ownerReferencesPermissionEnforcement=true adds these and nothing else. */
  static final Set<String> OWNER_REFERENCES_ENFORCED =
      rules(
          "core configmaps delete",
          "core serviceaccounts delete",
          "rbac.authorization.k8s.io roles delete",
          "rbac.authorization.k8s.io rolebindings delete",
          "batch cronjobs delete",
          "batch jobs delete",
          "batch cronjobs/finalizers update");

  static final Set<String> LEADER_ELECTION = rules("coordination.k8s.io leases get create update");

  @Test
  void clusterRoleHoldsExactlyTheTable() {
    var rendered = Chart.render();
    assertThat(granted(rendered.one("ClusterRole"))).isEqualTo(CONTROLLER);
    JsonNode binding = rendered.one("ClusterRoleBinding");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo(Chart.FULLNAME);
    assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(Chart.FULLNAME);
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(binding.at("/subjects").size()).isEqualTo(1);
    assertThat(rendered.ofKind("Role")).isEmpty();
  }

  @Test
  void watchingNamespacesGivesTheSameRulesAsRolesThereAndNothingClusterWide() {
    var rendered =
        Chart.render(Chart.values("watch.namespaces[0]", "shop", "watch.namespaces[1]", "billing"));
    assertThat(rendered.ofKind("ClusterRole")).isEmpty();
    assertThat(rendered.ofKind("ClusterRoleBinding")).isEmpty();
    List<JsonNode> roles = rendered.ofKind("Role").toList();
    assertThat(roles)
        .extracting(r -> r.at("/metadata/namespace").asText())
        .containsExactly("shop", "billing");
    roles.forEach(role -> assertThat(granted(role)).isEqualTo(CONTROLLER));
    rendered
        .ofKind("RoleBinding")
        .forEach(
            b -> {
              assertThat(b.at("/roleRef/kind").asText()).isEqualTo("Role");
              assertThat(b.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
            });
  }

  @Test
  void leaderElectionAddsOnlyTheLeaseRoleInTheReleaseNamespace() {
    var rendered = Chart.render(Chart.values("replicaCount", 3));
    JsonNode role = rendered.one("Role");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(granted(role)).isEqualTo(LEADER_ELECTION);
    assertThat(rendered.one("RoleBinding").at("/roleRef/name").asText())
        .isEqualTo(role.at("/metadata/name").asText());
    assertThat(granted(rendered.one("ClusterRole"))).isEqualTo(CONTROLLER);
  }

  @Test
  void ownerReferencesPermissionEnforcementAddsDeleteAndCronJobFinalizersOnly() {
    var rendered = Chart.render(Chart.values("rbac.ownerReferencesPermissionEnforcement", true));
    Set<String> expected = new TreeSet<>(CONTROLLER);
    expected.addAll(OWNER_REFERENCES_ENFORCED);
    assertThat(granted(rendered.one("ClusterRole"))).isEqualTo(expected);
  }

  @Test
  void theControllerHoldsEverythingItGrantsARunner() {
    DatabaseBackup backup = new DatabaseBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName("orders-db").withNamespace("shop").build());
    Role runnerRole =
        new RunnerRoleDependent() {
          Role rules() {
            return build(backup);
          }
        }.rules();
    Set<String> runnerGrants = new TreeSet<>();
    for (PolicyRule rule : runnerRole.getRules()) {
      runnerGrants.addAll(expand(rule.getApiGroups(), rule.getResources(), rule.getVerbs()));
    }
    assertThat(runnerGrants)
        .isNotEmpty()
        .isSubsetOf(CONTROLLER)
        .isSubsetOf(granted(Chart.render().one("ClusterRole")));
  }

  /** "group resource verb" for every rule of a (Cluster)Role; refuses wildcards and names. */
  static Set<String> granted(JsonNode role) {
    Set<String> out = new TreeSet<>();
    for (JsonNode rule : role.path("rules")) {
      assertThat(rule.has("resourceNames")).as("resourceNames in %s", rule).isFalse();
      assertThat(rule.has("nonResourceURLs")).as("nonResourceURLs in %s", rule).isFalse();
      List<String> groups = ChartRenderTest.texts(rule.path("apiGroups"));
      List<String> resources = ChartRenderTest.texts(rule.path("resources"));
      List<String> verbs = ChartRenderTest.texts(rule.path("verbs"));
      assertThat(Stream.of(groups, resources, verbs).flatMap(List::stream))
          .as("wildcard in %s", rule)
          .doesNotContain("*");
      out.addAll(expand(groups, resources, verbs));
    }
    return out;
  }

  static Set<String> expand(List<String> groups, List<String> resources, List<String> verbs) {
    Set<String> out = new TreeSet<>();
    for (String g : groups) {
      for (String r : resources) {
        for (String v : verbs) {
          out.add((g.isEmpty() ? "core" : g) + " " + r + " " + v);
        }
      }
    }
    return out;
  }

  static Set<String> rules(String... lines) {
    return Stream.of(lines)
        .flatMap(
            line -> {
              String[] p = line.split(" ");
              return Stream.of(p).skip(2).map(verb -> p[0] + " " + p[1] + " " + verb);
            })
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
