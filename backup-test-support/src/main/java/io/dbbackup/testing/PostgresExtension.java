package io.dbbackup.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link PostgresCluster} for a test class ({@code @RegisterExtension static}) or for each
 * test (an instance field), and removes it afterwards.
 */
public final class PostgresExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private PostgresCluster cluster;
  private boolean perClass;

  /** The running cluster; restarted first if a test stopped or killed it. */
  public PostgresCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("PostgresExtension used outside a test");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    cluster = PostgresCluster.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeCluster();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (cluster == null) {
      cluster = PostgresCluster.start();
    } else if (!cluster.isRunning()) {
      cluster.restart();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      closeCluster();
    }
  }

  private void closeCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
