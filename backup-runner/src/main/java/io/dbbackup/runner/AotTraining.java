package io.dbbackup.runner;

import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.run.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training run of the image's ahead-of-time cache (docker/runner-aot.sh): several runner
 * commands, separated by {@code --}, in one JVM, so that the cache records the classes and method
 * profiles of each — a backup to a volume and one to an S3 bucket — and not only of the last. Stops
 * at the first command that fails, with its exit code. Not part of the CLI:
 *
 * <pre>
 * java -XX:AOTCacheOutput=runner.aot -cp backup-runner.jar io.dbbackup.runner.AotTraining \
 *     backup -f volume.yaml --secrets-dir s -- backup -f s3.yaml --secrets-dir s
 * </pre>
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) {
    List<String[]> commands = commands(args);
    if (commands.isEmpty()) {
      System.err.println("AotTraining: no command given");
      System.exit(ExitCode.INVALID_CONFIG.code());
    }
    for (String[] command : commands) {
      int code = RunnerMain.execute(RunSettings.defaults(), command);
      if (code != ExitCode.OK.code()) {
        System.err.println("AotTraining: `" + String.join(" ", command) + "` exited with " + code);
        System.exit(code);
      }
    }
    System.exit(ExitCode.OK.code());
  }

  /** The commands in {@code args}, split at each {@code --}; empty ones are dropped. */
  static List<String[]> commands(String... args) {
    List<String[]> commands = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= args.length; i++) {
      if (i == args.length || "--".equals(args[i])) {
        if (i > from) {
          commands.add(Arrays.copyOfRange(args, from, i));
        }
        from = i + 1;
      }
    }
    return commands;
  }
}
