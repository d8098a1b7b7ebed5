package io.dbbackup.controller.dependent;

import java.util.List;

/**
 * The fixed interface between the controller's pod template and the runner (README.md "The runner,
 * on its own").
 */
public final class RunnerContract {
  public static final String CONTAINER_NAME = "runner";
  public static final String CONFIG_DIR = "/etc/dbbackup/config";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + RunnerConfigMapDependent.KEY;

  /** Each referenced Secret is mounted at {@code SECRETS_DIR/<secret name>}. */
  public static final String SECRETS_DIR = "/var/run/dbbackup/secrets";

  public static final List<String> ARGS =
      List.of("backup", "-f", CONFIG_FILE, "--secrets-dir", SECRETS_DIR, "--report-status");

  /** The Job name, from the label the Job controller puts on its pods. */
  public static final String ENV_JOB_NAME = "DBBACKUP_JOB_NAME";

  public static final String ENV_POD_NAME = "DBBACKUP_POD_NAME";
  public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

  /** A fixed non-root user (the distroless "nonroot" uid); files group-readable via fsGroup. */
  public static final long RUNNER_UID = 65532L;

  /** Secret files: owner and group (fsGroup) may read, nobody writes. */
  public static final int SECRET_FILE_MODE = 0440;

  private RunnerContract() {}
}
