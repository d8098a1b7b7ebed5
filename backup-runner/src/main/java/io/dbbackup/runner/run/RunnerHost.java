package io.dbbackup.runner.run;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name recorded as runner_host: the pod's name in the cluster, else the host name. */
final class RunnerHost {
  private RunnerHost() {}

  static String name() {
    String pod = System.getenv("DBBACKUP_POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String host = System.getenv("HOSTNAME");
      return host == null ? "unknown" : host;
    }
  }
}
