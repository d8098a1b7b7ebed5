package io.dbbackup.controller;

import io.dbbackup.controller.notify.NotificationSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read once from the environment at start.
 *
 * @param runnerImage image of the runner when a DatabaseBackup does not name one
 * @param watchNamespaces namespaces to watch; empty: all
 * @param leaderElection whether to take a Lease before reconciling (needed for two replicas)
 * @param leaseName name of that Lease
 * @param leaseNamespace namespace of that Lease; null: the namespace the client is configured for
 * @param httpPort port of /metrics, /healthz and /readyz; 0 picks a free one
 * @param secretRecheck how soon to look again for a referenced Secret that is missing
 * @param notifications the chart's default notification channels and how delivery is paced
 */
public record ControllerConfig(
    String runnerImage,
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int httpPort,
    Duration secretRecheck,
    NotificationSettings notifications) {

  /** The settings without notification defaults (no default channels, standard pacing). */
  public ControllerConfig(
      String runnerImage,
      Set<String> watchNamespaces,
      boolean leaderElection,
      String leaseName,
      String leaseNamespace,
      int httpPort,
      Duration secretRecheck) {
    this(
        runnerImage,
        watchNamespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        secretRecheck,
        NotificationSettings.standard(List.of(), leaseNamespace));
  }

  /** The image the Helm chart overrides with the runner built from the same commit. */
  public static final String DEFAULT_RUNNER_IMAGE = "dbbackup/backup-runner:0.1.0";

  public static final String DEFAULT_LEASE_NAME = "dbbackup-operator-leader";

  /** Defaults for tests and local runs: all namespaces, no leader election, a free port. */
  public static ControllerConfig defaults() {
    return new ControllerConfig(
        DEFAULT_RUNNER_IMAGE, Set.of(), false, DEFAULT_LEASE_NAME, null, 0, Duration.ofSeconds(30));
  }

  /**
   * From environment variables: {@code DBBACKUP_RUNNER_IMAGE}, {@code DBBACKUP_WATCH_NAMESPACES}
   * (comma-separated), {@code DBBACKUP_LEADER_ELECTION} (true/false, default false), {@code
   * DBBACKUP_LEASE_NAME}, {@code DBBACKUP_LEASE_NAMESPACE} (default {@code POD_NAMESPACE}), {@code
   * DBBACKUP_HTTP_PORT} (default 8080), {@code DBBACKUP_NOTIFICATION_DEFAULTS_FILE} (a JSON array
   * of notification channels, the chart's {@code notifications.defaultChannels}, whose Secrets are
   * read from {@code POD_NAMESPACE}).
   *
   * @throws IllegalArgumentException when a value cannot be used (the message names the variable)
   */
  public static ControllerConfig fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault("DBBACKUP_WATCH_NAMESPACES", "");
    String podNamespace = nonBlank(env.get("POD_NAMESPACE"), null);
    String defaultsFile = nonBlank(env.get(NotificationSettings.DEFAULTS_FILE_ENV), null);
    return new ControllerConfig(
        nonBlank(env.get("DBBACKUP_RUNNER_IMAGE"), DEFAULT_RUNNER_IMAGE),
        Arrays.stream(namespaces.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        Boolean.parseBoolean(env.getOrDefault("DBBACKUP_LEADER_ELECTION", "false")),
        nonBlank(env.get("DBBACKUP_LEASE_NAME"), DEFAULT_LEASE_NAME),
        nonBlank(env.get("DBBACKUP_LEASE_NAMESPACE"), env.get("POD_NAMESPACE")),
        Integer.parseInt(nonBlank(env.get("DBBACKUP_HTTP_PORT"), "8080")),
        Duration.ofSeconds(30),
        NotificationSettings.standard(
            defaultsFile == null
                ? List.of()
                : NotificationSettings.readDefaults(java.nio.file.Path.of(defaultsFile)),
            podNamespace));
  }

  /** A copy with another HTTP port. */
  public ControllerConfig withHttpPort(int port) {
    return new ControllerConfig(
        runnerImage,
        watchNamespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        port,
        secretRecheck,
        notifications);
  }

  /** A copy with other notification settings. */
  public ControllerConfig withNotifications(NotificationSettings settings) {
    return new ControllerConfig(
        runnerImage,
        watchNamespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        secretRecheck,
        settings);
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
