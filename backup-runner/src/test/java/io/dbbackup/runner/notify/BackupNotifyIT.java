package io.dbbackup.runner.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.dbbackup.runner.error.ExitCode;
import io.dbbackup.runner.support.BackupFixture;
import io.dbbackup.runner.support.LogCapture;
import io.dbbackup.testing.PostgresCluster;
import io.dbbackup.testing.PostgresExtension;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --notify} against a real server: the runner on its own tells a webhook (a JDK
 * HttpServer) and an SMTP server (GreenMail) that the run failed, with its exit code, and the next
 * good run that it recovered (from backup_history), then that the stored size grew; without
 * --notify it tells nobody.
 */
class BackupNotifyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOOK_TOKEN = "T0KEN-hook-path-5ecret";
  private static final String SIGNING_KEY = "hmac-signing-k3y";

  @RegisterExtension final PostgresExtension pgExtension = new PostgresExtension();

  @TempDir Path dir;

  private HttpServer hook;
  private final BlockingQueue<Received> hookRequests = new LinkedBlockingQueue<>();
  private GreenMail mail;

  record Received(String signature, byte[] body) {}

  @BeforeEach
  void peers() throws Exception {
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          hookRequests.add(
              new Received(exchange.getRequestHeaders().getFirst("X-Dbbackup-Signature"), body));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    hook.start();
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
  }

  @AfterEach
  void stopPeers() {
    hook.stop(0);
    mail.stop();
  }

  @Test
  void aRunWithTheDatabaseDownNotifiesTheFailureAndTheNextGoodRunTheRecovery() throws Exception {
    PostgresCluster pg = pgExtension.cluster();
    BackupFixture fixture = notifying(new BackupFixture(dir, pg));
    pg.stop();

    // Without --notify the runner tells nobody (in the cluster the controller sends).
    assertThat(fixture.backup().exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());
    assertThat(hookRequests).isEmpty();
    assertThat(mail.getReceivedMessages()).isEmpty();

    BackupFixture.Result failed;
    String logText;
    try (LogCapture logs = LogCapture.open()) {
      failed = fixture.run(BackupFixture.testSettings(), "backup", "--notify");
      logText = logs.text();
    }
    assertThat(failed.exitCode()).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());

    Received request = hookRequests.poll(30, TimeUnit.SECONDS);
    assertThat(request).as("the webhook got the failure").isNotNull();
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("event").asText()).isEqualTo("BackupFailed");
    assertThat(body.get("severity").asText()).isEqualTo("critical");
    assertThat(body.at("/resource/namespace").asText()).isEqualTo("shop");
    assertThat(body.at("/resource/name").asText()).isEqualTo("orders-db");
    assertThat(body.get("summary").asText()).isEqualTo("database unreachable");
    assertThat(body.at("/details/exitCode").asInt()).isEqualTo(3);
    assertThat(body.at("/details/reason").asText()).isEqualTo("DatabaseUnreachable");
    assertThat(body.at("/details/message").asText()).contains("unreachable");
    String backupId = body.get("backupId").asText();
    assertThat(backupId).isNotEmpty();
    assertThat(request.signature()).isEqualTo(hmac(request.body()));

    assertThat(mail.waitForIncomingEmail(30_000, 1)).isTrue();
    MimeMessage message = mail.getReceivedMessages()[0];
    assertThat(message.getSubject())
        .isEqualTo("[dbbackup] FAILED shop/orders-db: database unreachable");
    assertThat(message.getAllRecipients()[0].toString()).isEqualTo("dba@example.com");
    assertThat(GreenMailUtil.getBody(message))
        .containsPattern("Exit code: +3")
        .contains(backupId)
        .contains("kubectl -n shop describe databasebackup orders-db");

    String everything = logText + failed.out() + failed.err();
    assertThat(everything).contains("notified").contains("channel=hook");
    assertThat(everything)
        .doesNotContain(HOOK_TOKEN)
        .doesNotContain(SIGNING_KEY)
        .doesNotContain(pg.password());

    // The database is back: the good run records the spooled failure, then reports recovery.
    pg.restart();
    BackupFixture.Result good = fixture.run(BackupFixture.testSettings(), "backup", "--notify");
    assertThat(good.exitCode()).as(good.out() + good.err()).isZero();
    Received recovery = hookRequests.poll(30, TimeUnit.SECONDS);
    assertThat(recovery).as("the webhook got the recovery").isNotNull();
    JsonNode recovered = JSON.readTree(recovery.body());
    assertThat(recovered.get("event").asText()).isEqualTo("BackupRecovered");
    assertThat(recovered.get("severity").asText()).isEqualTo("info");
    assertThat(recovered.at("/details/previousBackupId").asText()).isEqualTo(backupId);
    assertThat(recovered.at("/details/previousExitCode").asInt()).isEqualTo(3);
    assertThat(recovered.at("/details/storedBytes").asLong()).isPositive();
    assertThat(recovery.signature()).isEqualTo(hmac(recovery.body()));
    // Only the events the hook lists: the recovery, nothing else.
    assertThat(hookRequests.poll(1, TimeUnit.SECONDS)).isNull();

    // The database grows well past 30%: the next good run compares with this one's stored size.
    long before = recovered.at("/details/storedBytes").asLong();
    pg.psql(
        "postgres",
        "CREATE TABLE grown AS SELECT md5(i::text) AS h FROM generate_series(1, 100000) i");
    BackupFixture.Result grown = fixture.run(BackupFixture.testSettings(), "backup", "--notify");
    assertThat(grown.exitCode()).as(grown.out() + grown.err()).isZero();
    Received sizeChanged = hookRequests.poll(30, TimeUnit.SECONDS);
    assertThat(sizeChanged).as("the webhook got the size change").isNotNull();
    JsonNode size = JSON.readTree(sizeChanged.body());
    assertThat(size.get("event").asText()).isEqualTo("SizeChanged");
    assertThat(size.at("/details/previousBackupId").asText())
        .isEqualTo(recovered.get("backupId").asText());
    assertThat(size.at("/details/previousStoredBytes").asLong()).isEqualTo(before);
    assertThat(size.at("/details/storedBytes").asLong()).isGreaterThan(before * 13 / 10);
    assertThat(size.get("summary").asText()).contains("larger than the previous good backup");
    assertThat(hookRequests.poll(1, TimeUnit.SECONDS)).isNull();
  }

  private BackupFixture notifying(BackupFixture fixture) throws Exception {
    Path secrets = fixture.secretsDir().resolve("hook");
    Files.createDirectories(secrets);
    Files.writeString(
        secrets.resolve("url"),
        "http://127.0.0.1:" + hook.getAddress().getPort() + "/hooks/" + HOOK_TOKEN + "\n");
    Files.writeString(secrets.resolve("key"), SIGNING_KEY + "\n");
    return fixture
        .spec("notifications:")
        .spec("  channels:")
        .spec("    - name: hook")
        .spec("      events: [BackupFailed, BackupRecovered, SizeChanged]")
        .spec("      webhook:")
        .spec("        urlSecretRef: {name: hook, key: url}")
        .spec("        signingKeySecretRef: {name: hook, key: key}")
        .spec("    - name: dba-mail")
        .spec("      events: [BackupFailed]")
        .spec("      email:")
        .spec("        host: 127.0.0.1")
        .spec("        port: " + mail.getSmtp().getPort())
        .spec("        security: none")
        .spec("        from: backups@example.com")
        .spec("        to: [dba@example.com]");
  }

  private static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
