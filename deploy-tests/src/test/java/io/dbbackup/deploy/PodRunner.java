package io.dbbackup.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the one container of a pod spec the controller wrote as a kubelet would, as far as the
 * runner can tell: each ConfigMap and Secret volume becomes a directory of files at its mount path
 * (under a directory standing for the container's file system), claims are local directories, the
 * termination message path a local file, and the real runner jar runs with the container's args,
 * paths in the pod pointed at their local copies. Environment variables are not set. What it shows:
 * the controller's pods and the runner agree on file names, keys, and the YAML the runner reads.
 */
final class PodRunner {
  private final Path root;
  private final Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
  private final Map<String, Path> claims = new LinkedHashMap<>();

  PodRunner(Path root) {
    this.root = root;
  }

  PodRunner configMap(String name, Map<String, String> data) {
    configMaps.put(name, data);
    return this;
  }

  PodRunner secret(String name, Map<String, String> data) {
    secrets.put(name, data);
    return this;
  }

  PodRunner claim(String name, Path dir) {
    claims.put(name, dir);
    return this;
  }

  /** The container's exit code and output, and its termination message file's content. */
  record Ran(int exit, String output, String terminationMessage) {}

  Ran run(PodSpec pod, String... dropArgs) throws Exception {
    Container c = pod.getContainers().getFirst();
    // The container's file system, under a directory of its own: /a/b is podDir/a/b.
    Path podDir = Files.createDirectories(root.resolve("pod-" + System.nanoTime()));
    for (VolumeMount m : c.getVolumeMounts()) {
      materialize(volume(pod, m.getName()), inPod(podDir, m.getMountPath()));
    }
    Path termination =
        inPod(
            podDir,
            c.getTerminationMessagePath() == null
                ? "/dev/termination-log"
                : c.getTerminationMessagePath());
    Files.createDirectories(termination.getParent());
    Files.createFile(termination);
    List<String> command = new ArrayList<>();
    command.add(DockerfileTest.java());
    command.add("@" + Chart.ROOT.resolve("docker/runner-jvm.args"));
    command.add("-jar");
    command.add(Chart.ROOT.resolve("backup-runner/target/backup-runner.jar").toString());
    for (String arg : c.getArgs()) {
      if (List.of(dropArgs).contains(arg)) {
        continue;
      }
      // A path that exists in the pod is its local copy; any other argument is passed as is.
      boolean inThePod = arg.startsWith("/") && Files.exists(inPod(podDir, arg));
      command.add(inThePod ? inPod(podDir, arg).toString() : arg);
    }
    DockerfileTest.Result r = DockerfileTest.run(command);
    return new Ran(r.exit(), r.output(), Files.readString(termination, StandardCharsets.UTF_8));
  }

  private static Path inPod(Path podDir, String containerPath) {
    return podDir.resolve(containerPath.substring(1));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the pod mounts volume " + name + " it lacks"));
  }

  private void materialize(Volume v, Path at) throws IOException {
    Files.createDirectories(at.getParent());
    if (v.getPersistentVolumeClaim() != null) {
      Path claim = claims.get(v.getPersistentVolumeClaim().getClaimName());
      if (claim == null) {
        throw new AssertionError("no claim " + v.getPersistentVolumeClaim().getClaimName());
      }
      Files.createSymbolicLink(at, claim);
      return;
    }
    Path dir = Files.createDirectories(at);
    if (v.getEmptyDir() != null) {
      return;
    }
    Map<String, String> data;
    List<KeyToPath> items;
    if (v.getConfigMap() != null) {
      data = required(configMaps, v.getConfigMap().getName(), "ConfigMap");
      items = v.getConfigMap().getItems();
    } else if (v.getSecret() != null) {
      data = required(secrets, v.getSecret().getSecretName(), "Secret");
      items = v.getSecret().getItems();
    } else {
      throw new AssertionError("unexpected volume type: " + v);
    }
    if (items == null || items.isEmpty()) {
      for (var e : data.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
    } else {
      for (KeyToPath item : items) {
        String value = data.get(item.getKey());
        if (value == null) {
          throw new AssertionError("key " + item.getKey() + " missing in " + v);
        }
        Files.writeString(dir.resolve(item.getPath()), value);
      }
    }
  }

  private static Map<String, String> required(
      Map<String, Map<String, String>> all, String name, String kind) {
    Map<String, String> data = all.get(name);
    if (data == null) {
      throw new AssertionError("the pod mounts " + kind + " " + name + ", which does not exist");
    }
    return data;
  }
}
