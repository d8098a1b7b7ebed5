package io.dbbackup.runner.cli;

import io.dbbackup.api.log.EventLayout;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.config.ConfigLoader;
import io.dbbackup.runner.config.SecretFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: the resource file, where secrets are, the log format. */
public final class ConfigOptions {
  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "FILE",
      description = "The DatabaseBackup resource (the YAML you would kubectl apply).")
  Path file;

  @Option(
      names = "--secrets-dir",
      paramLabel = "DIR",
      description =
          "Directory holding each referenced Secret as <name>/<key> files"
              + " (default: ${DEFAULT-VALUE}).")
  Path secretsDir = SecretFiles.DEFAULT_DIR;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description = "kv (key=value, default) or json; also DBBACKUP_LOG_FORMAT.")
  void logFormat(LogFormat format) {
    EventLayout.useJson(format == LogFormat.json);
  }

  /** Log line formats. */
  enum LogFormat {
    kv,
    json
  }

  public BackupConfig load() {
    return ConfigLoader.load(file, new SecretFiles(secretsDir));
  }
}
