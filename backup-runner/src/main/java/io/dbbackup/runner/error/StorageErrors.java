package io.dbbackup.runner.error;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** Maps a storage I/O error to its exit code: permission, space, or other storage failure. */
public final class StorageErrors {
  private StorageErrors() {}

  public static RunnerException classify(String what, IOException e) {
    String detail = describe(e);
    if (isPermission(e)) {
      return new RunnerException(
          ExitCode.PERMISSION_DENIED, what + ": permission denied (" + detail + ")", e);
    }
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
      return new RunnerException(
          ExitCode.NOT_ENOUGH_SPACE, what + ": no space left on the target (" + detail + ")", e);
    }
    return new RunnerException(ExitCode.STORAGE_FAILED, what + ": " + detail, e);
  }

  static boolean isPermission(IOException e) {
    if (e instanceof AccessDeniedException) {
      return true;
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      String reason = fse.getReason();
      return reason.contains("Operation not permitted")
          || reason.contains("Read-only file system")
          || reason.contains("Permission denied");
    }
    return String.valueOf(e.getMessage()).contains("Permission denied");
  }

  private static String describe(IOException e) {
    if (e instanceof FileSystemException fse) {
      return fse.getFile() + (fse.getReason() == null ? "" : ": " + fse.getReason());
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
