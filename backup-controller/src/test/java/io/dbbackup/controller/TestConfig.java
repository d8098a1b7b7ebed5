package io.dbbackup.controller;

import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The controller configuration the tests run with. */
final class TestConfig {
  static final String RUNNER_IMAGE = "dbbackup/backup-runner:test";

  private TestConfig() {}

  /** Waits up to 20 s for a condition, retrying on assertion failures and exceptions alike. */
  static ConditionFactory eventually() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions();
  }

  static ControllerConfig config() {
    return new ControllerConfig(
        RUNNER_IMAGE,
        Set.of(),
        false,
        ControllerConfig.DEFAULT_LEASE_NAME,
        null,
        0,
        Duration.ofSeconds(1));
  }
}
