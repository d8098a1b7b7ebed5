package io.dbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbbackup.controller.dependent.RunnerContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the Dockerfile promises that can be checked without a Docker engine: pinned base images, a
 * numeric non-root user (the one the runner pods and the chart use), no secrets in the build
 * context or the image, and entrypoints whose jars, main classes and arguments exist in the build
 * output.
 */
class DockerfileTest {
  static final Dockerfile DOCKERFILE = Dockerfile.read();

  /** name:tag with a version number in the tag (never latest or a bare major), optional digest. */
  static final Pattern PINNED =
      Pattern.compile(
          "^[a-z0-9./_-]+(:[0-9][A-Za-z0-9._-]*\\.[0-9][A-Za-z0-9._-]*|:[A-Za-z0-9._-]*?[0-9]+\\.[0-9]+[A-Za-z0-9._-]*)(@sha256:[0-9a-f]{64})?$");

  @Test
  void everyBaseImageIsPinnedToAnExactVersion() {
    Set<String> stageNames = new java.util.HashSet<>();
    List<String> external = new ArrayList<>();
    for (Dockerfile.Stage stage : DOCKERFILE.stages()) {
      String from = DOCKERFILE.resolve(stage.from());
      if (!stageNames.contains(from)) {
        external.add(from);
        assertThat(from).as("FROM %s (stage %s)", from, stage.name()).matches(PINNED);
        assertThat(from).as("FROM %s", from).doesNotContain(":latest");
      }
      if (stage.name() != null) {
        stageNames.add(stage.name());
      }
    }
    assertThat(external)
        .containsExactly(
            "maven:3.9.11-eclipse-temurin-25",
            "eclipse-temurin:25.0.3_9-jre-noble",
            "postgres:18.6-trixie",
            "eclipse-temurin:25.0.3_9-jre-noble");
  }

  @Test
  void bothTargetsRunAsTheRunnersNumericNonRootUser() {
    String uid = Long.toString(RunnerContract.RUNNER_UID);
    for (String target : List.of("runner", "controller")) {
      Dockerfile.Stage stage = DOCKERFILE.stage(target);
      assertThat(stage.last("USER").orElseThrow().args())
          .as("USER of target %s", target)
          .isEqualTo(uid + ":" + uid);
      // Nothing after USER switches back to root.
      List<Dockerfile.Instruction> all = stage.instructions();
      int user = all.lastIndexOf(stage.last("USER").orElseThrow());
      assertThat(all.subList(user + 1, all.size()))
          .extracting(Dockerfile.Instruction::keyword)
          .doesNotContain("RUN", "COPY", "ADD");
    }
    // The chart runs the controller with the same UID.
    JsonNode pod = Chart.render().one("Deployment").at("/spec/template/spec/securityContext");
    assertThat(pod.path("runAsUser").asText()).isEqualTo(uid);
  }

  @Test
  void nothingSecretIsCopiedOrSet() throws IOException {
    Pattern secretName =
        Pattern.compile("(?i).*(password|passwd|secret|token|credential|private|apikey|api_key).*");
    for (Dockerfile.Stage stage : DOCKERFILE.stages()) {
      for (Dockerfile.Instruction i : stage.instructions()) {
        if (i.keyword().equals("ADD")) {
          throw new AssertionError("ADD (remote URLs, archives) is not used: " + i.args());
        }
        if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
          for (String part : i.args().split("\\s+")) {
            String name = part.split("=", 2)[0];
            assertThat(name)
                .as("%s %s in stage %s", i.keyword(), name, stage.name())
                .doesNotMatch(secretName);
          }
        }
        if (i.keyword().equals("COPY") && !i.args().startsWith("--from=")) {
          String source = i.args().split("\\s+")[0];
          assertThat(source).as("COPY %s", source).doesNotMatch(secretName).doesNotContain("..");
        }
        assertThat(i.args())
            .as("%s in stage %s", i.keyword(), stage.name())
            .doesNotContain("--secret");
      }
    }
    // The build context: .dockerignore lets in only what the build needs, and none of that is a
    // key.
    List<String> ignore = Files.readAllLines(Chart.ROOT.resolve(".dockerignore"));
    assertThat(ignore.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst())
        .contains("*");
    List<Path> allowed = new ArrayList<>();
    for (String line : ignore) {
      if (line.startsWith("!")) {
        allowed.add(Chart.ROOT.resolve(line.substring(1)));
      }
    }
    Pattern keyFile =
        Pattern.compile(
            "(?i).*(\\.pem|\\.key|\\.p12|\\.pfx|\\.jks|\\.keystore|id_rsa.*|id_ed25519.*|\\.env|\\.npmrc|settings\\.xml|\\.netrc)$");
    List<Path> keys = new ArrayList<>();
    for (Path p : allowed) {
      assertThat(p).as(".dockerignore allows %s, which does not exist", p).exists();
      try (Stream<Path> files = Files.walk(p)) {
        files
            .filter(Files::isRegularFile)
            .filter(f -> !f.toString().contains("/target/"))
            .filter(
                f -> keyFile.matcher(f.getFileName().toString()).matches() || containsPrivateKey(f))
            .forEach(keys::add);
      }
    }
    assertThat(keys).as("key-like files in the image build context").isEmpty();
  }

  @Test
  void theRunnerEntrypointRunsTheBuiltJarWithTheControllersArguments() throws Exception {
    Dockerfile.Stage runner = DOCKERFILE.stage("runner");
    List<String> entrypoint = runner.entrypoint();
    Path jar = builtJar(runner, entrypoint);
    assertMainClass(jar, "io.dbbackup.runner.RunnerMain");
    // The JVM options file and the ahead-of-time cache the entrypoint names come from the
    // repository's docker/ files, which the image build copies and runs.
    assertThat(entrypoint).contains("@/opt/dbbackup/runner-jvm.args");
    assertThat(copiedFrom(runner, "/opt/dbbackup/runner-jvm.args"))
        .isEqualTo("docker/runner-jvm.args");
    assertThat(Chart.ROOT.resolve("docker/runner-jvm.args")).isRegularFile();
    assertThat(entrypoint).contains("-XX:AOTCache=/opt/dbbackup/backup-runner.aot");
    assertThat(runner.all("RUN"))
        .anySatisfy(
            r ->
                assertThat(r.args())
                    .contains("runner-aot.sh /opt/java/openjdk/bin/java")
                    .contains("/opt/dbbackup/backup-runner.aot")
                    // the training's S3 server: mounted from the build stage for that step only
                    .contains("--mount=type=bind,from=build,source=/src/aot-s3-server")
                    .contains("AOT_S3_SERVER_CLASSPATH='/tmp/aot-s3-server/*'"));
    assertThat(DOCKERFILE.stage("build").all("RUN"))
        .anySatisfy(
            r ->
                assertThat(r.args())
                    .contains("dependency:copy-dependencies")
                    .contains("-DoutputDirectory=/src/aot-s3-server"));
    // libdeflate, the gzip engine, is in the image (without it gzip falls back to slower zlib).
    assertThat(runner.all("RUN"))
        .anySatisfy(r -> assertThat(r.args()).contains("apt-get install").contains("libdeflate0"));

    // The controller's CronJob gives the runner image only arguments; the jar must accept them.
    // (Exit 2 = invalid config: the config file does not exist here, but the command line parsed.)
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("@" + Chart.ROOT.resolve("docker/runner-jvm.args"));
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(RunnerContract.ARGS);
    Result result = run(command);
    assertThat(result.exit()).as(result.output()).isEqualTo(2);
    assertThat(result.output())
        .as("the runner refused the controller's arguments")
        .doesNotContain("Unknown option")
        .doesNotContain("Missing required")
        .doesNotContain("Usage:")
        .contains(RunnerContract.CONFIG_FILE);
  }

  @Test
  void theControllerEntrypointRunsTheBuiltJarAndTheChartKeepsIt() throws Exception {
    Dockerfile.Stage controller = DOCKERFILE.stage("controller");
    Path jar = builtJar(controller, controller.entrypoint());
    assertMainClass(jar, "io.dbbackup.controller.ControllerMain");
    assertThat(controller.all("EXPOSE"))
        .extracting(Dockerfile.Instruction::args)
        .containsExactly("8080");
    JsonNode container = Chart.render().one("Deployment").at("/spec/template/spec/containers/0");
    assertThat(container.has("command")).as("the chart must not override the entrypoint").isFalse();
    assertThat(container.has("args")).isFalse();
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    // The chart's default images are the two targets of this Dockerfile.
    JsonNode values = Chart.YAML.readTree(Chart.DIR.resolve("values.yaml").toFile());
    assertThat(values.at("/image/controller/repository").asText()).endsWith("backup-controller");
    assertThat(values.at("/image/runner/repository").asText()).endsWith("backup-runner");
  }

  /** The jar after -jar in the entrypoint, traced back through COPY --from=build to target/. */
  static Path builtJar(Dockerfile.Stage stage, List<String> entrypoint) {
    int i = entrypoint.indexOf("-jar");
    assertThat(i).as("%s entrypoint %s has no -jar", stage.name(), entrypoint).isNotNegative();
    String inImage = entrypoint.get(i + 1);
    String source = copiedFrom(stage, inImage);
    Path jar = Chart.ROOT.resolve(source);
    assertThat(jar)
        .as("%s: built jar %s (run the reactor build first)", stage.name(), source)
        .isRegularFile();
    return jar;
  }

  /** The repository path a file in the image was copied from (build stage WORKDIR is /src). */
  static String copiedFrom(Dockerfile.Stage stage, String inImage) {
    for (Dockerfile.Instruction copy : stage.all("COPY")) {
      String[] parts = copy.args().split("\\s+");
      String destination = parts[parts.length - 1];
      if (!destination.equals(inImage)) {
        continue;
      }
      if (parts[0].equals("--from=build")) {
        assertThat(parts[1]).startsWith("/src/");
        assertThat(DOCKERFILE.stage("build").last("WORKDIR").orElseThrow().args())
            .isEqualTo("/src");
        return parts[1].substring("/src/".length());
      }
      return parts[0];
    }
    throw new AssertionError(stage.name() + ": nothing is copied to " + inImage);
  }

  static void assertMainClass(Path jar, String mainClass) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(mainClass);
      assertThat(file.getEntry(mainClass.replace('.', '/') + ".class")).isNotNull();
    }
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  record Result(int exit, String output) {
    /** The last lines of the output, for a failure message that stays a few lines long. */
    String tail() {
      return DockerfileTest.tail(output, 15);
    }
  }

  /** At most the last {@code lines} lines of {@code text}, each cut at 300 characters. */
  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
    StringBuilder sb = new StringBuilder();
    if (all.size() > lines) {
      sb.append("[... ").append(all.size() - lines).append(" lines before]\n");
    }
    for (String l : last) {
      sb.append(l.length() > 300 ? l.substring(0, 300) + "..." : l).append('\n');
    }
    return sb.toString();
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  /** Runs {@code command} with {@code env} added to this process's environment. */
  static Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(p.exitValue(), out);
  }

  private static final Pattern PRIVATE_KEY_BLOCK =
      Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----\\r?\\n");

  /** A PEM or OpenPGP private key block anywhere in the file (the training key is public only). */
  static boolean containsPrivateKey(Path file) {
    try {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      return PRIVATE_KEY_BLOCK.matcher(text).find();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
