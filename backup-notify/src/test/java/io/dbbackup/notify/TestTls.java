package io.dbbackup.notify;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate for localhost (and 127.0.0.1), made once per test JVM with the JDK's
 * keytool: GreenMail's SMTPS serves it, the STARTTLS front serves it, and the tests' client trusts
 * exactly it (production code always checks certificates and host names; GreenMail's own
 * certificate names no host, so it cannot pass that check).
 */
final class TestTls {
  static final String PASSWORD = "changeit";
  private static Path keystore;

  private TestTls() {}

  static synchronized Path keystore() throws Exception {
    if (keystore != null) {
      return keystore;
    }
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    assumeTrue(Files.isExecutable(keytool), "keytool is needed to make a test certificate");
    Path dir = Files.createTempDirectory("notify-tls");
    Path file = dir.resolve("smtp.p12");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "greenmail",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("keytool.log").toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "keytool failed: " + Files.readString(dir.resolve("keytool.log")));
    }
    // GreenMail's SMTPS reads its key from these (once per JVM, at its first TLS server).
    System.setProperty("greenmail.tls.keystore.file", file.toString());
    System.setProperty("greenmail.tls.keystore.password", PASSWORD);
    System.setProperty("greenmail.tls.key.password", PASSWORD);
    keystore = file;
    return file;
  }

  private static KeyStore load() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore())) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** A server context serving the test certificate. */
  static SSLContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(), PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** A client context trusting the test certificate and nothing else. */
  static SSLContext clientContext() throws Exception {
    Certificate cert = load().getCertificate("greenmail");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("test", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
