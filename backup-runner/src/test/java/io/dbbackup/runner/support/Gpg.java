package io.dbbackup.runner.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The system GnuPG in a throwaway home directory: generates keys, exports them, and encrypts and
 * decrypts files as an independent oracle. Each instance is one keyring; {@link #close} stops its
 * agent.
 */
public final class Gpg implements AutoCloseable {
  private final Path home;

  public Gpg(Path home) throws IOException {
    this.home = Files.createDirectories(home);
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
  }

  /** A key as GnuPG lists it. */
  public record Key(String fingerprint, String encryptionKeyId) {}

  /**
   * {@code gpg --quick-gen-key uid algo usage expire}, protected by {@code passphrase} (empty: not
   * protected); {@code fakedTime} (or null) pretends the key was made then.
   */
  public Key generate(
      String uid, String algo, String usage, String expire, String passphrase, String fakedTime)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("--pinentry-mode", "loopback", "--passphrase", passphrase));
    if (fakedTime != null) {
      cmd.addAll(List.of("--faked-system-time", fakedTime + "!"));
    }
    cmd.addAll(List.of("--quick-gen-key", uid, algo, usage, expire));
    require(gpg(cmd, null, null), "generating " + uid);
    return key(uid);
  }

  public Key generate(String uid, String algo) throws Exception {
    return generate(uid, algo, "default", "never", "", null);
  }

  /** The primary fingerprint and the id of the (last) encryption subkey of {@code uid}. */
  public Key key(String uid) throws Exception {
    Path out = home.resolve("list.txt");
    require(gpg(List.of("--with-colons", "--list-keys", uid), null, out), "listing " + uid);
    String fingerprint = null;
    String subkey = null;
    String previous = "";
    for (String line : Files.readAllLines(out)) {
      String[] f = line.split(":", -1);
      if (f[0].equals("fpr") && previous.equals("pub")) {
        fingerprint = f[9];
      }
      if (f[0].equals("sub") && f[11].contains("e")) {
        subkey = f[4];
      }
      if (!f[0].equals("fpr")) {
        previous = f[0];
      }
    }
    return new Key(fingerprint, subkey);
  }

  public String exportPublic(String fingerprint) throws Exception {
    Path out = home.resolve("export.asc");
    require(gpg(List.of("--armor", "--export", fingerprint), null, out), "exporting");
    return Files.readString(out, StandardCharsets.US_ASCII);
  }

  public String exportSecret(String fingerprint, String passphrase) throws Exception {
    Path out = home.resolve("export-secret.asc");
    require(
        gpg(
            List.of(
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                passphrase,
                "--armor",
                "--export-secret-keys",
                fingerprint),
            null,
            out),
        "exporting the secret key");
    String armored = Files.readString(out, StandardCharsets.US_ASCII);
    Files.delete(out);
    return armored;
  }

  /** Imports the revocation certificate gpg made at generation time: the key is then revoked. */
  public void revoke(String fingerprint) throws Exception {
    Path rev = home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev");
    Path armed = home.resolve("revoke.asc");
    Files.writeString(armed, Files.readString(rev).replace(":-----BEGIN", "-----BEGIN"));
    require(gpg(List.of("--import", armed.toString()), null, null), "revoking");
  }

  /** {@code gpg -d}, with {@code --status-fd 2}: the result's stderr holds [GNUPG:] lines. */
  public StockTools.Result decrypt(Path in, Path out) throws Exception {
    return gpg(
        List.of("--status-fd", "2", "--output", out.toString(), "--decrypt", in.toString()),
        null,
        null);
  }

  /** {@code gpg -d} with a passphrase file, as a person restoring a passphrase backup would. */
  public StockTools.Result decryptWithPassphrase(Path in, Path out, String passphrase)
      throws Exception {
    Path file = home.resolve("passphrase.txt");
    Files.writeString(file, passphrase);
    return gpg(
        List.of(
            "--pinentry-mode",
            "loopback",
            "--passphrase-file",
            file.toString(),
            "--no-symkey-cache",
            "--status-fd",
            "2",
            "--output",
            out.toString(),
            "--decrypt",
            in.toString()),
        null,
        null);
  }

  public StockTools.Result encryptTo(Path in, Path out, String... fingerprints) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("--trust-model", "always"));
    for (String f : fingerprints) {
      cmd.addAll(List.of("--recipient", f));
    }
    cmd.addAll(List.of("--output", out.toString(), "--encrypt", in.toString()));
    return gpg(cmd, null, null);
  }

  public StockTools.Result encryptWithPassphrase(Path in, Path out, String passphrase)
      throws Exception {
    return gpg(
        List.of(
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            passphrase,
            "--no-symkey-cache",
            "--output",
            out.toString(),
            "--symmetric",
            in.toString()),
        null,
        null);
  }

  /** Runs a shell pipeline with this keyring, e.g. {@code gpg -d f | gunzip > out}. */
  public StockTools.Result shell(String script) throws Exception {
    return StockTools.shell(script, env());
  }

  public StockTools.Result gpg(List<String> args, Path stdin, Path stdout) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--no-tty"));
    cmd.addAll(args);
    return StockTools.run(cmd, stdin, stdout, env());
  }

  public Map<String, String> env() {
    return Map.of("GNUPGHOME", home.toString());
  }

  @Override
  public void close() throws IOException {
    try {
      StockTools.run(List.of("gpgconf", "--kill", "gpg-agent"), null, null, env());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void require(StockTools.Result result, String what) {
    if (!result.ok()) {
      throw new IllegalStateException("gpg failed " + what + ": " + result.stderr());
    }
  }
}
