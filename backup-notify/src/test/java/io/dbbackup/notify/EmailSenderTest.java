package io.dbbackup.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.dbbackup.api.v1alpha1.EmailChannelSpec;
import io.dbbackup.api.v1alpha1.EmailSecurity;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmailSenderTest {
  private static final String USER = "alerts";
  private static final String PASSWORD = "smtp-pa55word-x";

  private GreenMail mail;

  @BeforeAll
  static void certificate() throws Exception {
    TestTls.keystore();
  }

  @AfterEach
  void stop() {
    if (mail != null) {
      mail.stop();
    }
  }

  private GreenMail start(ServerSetup setup) {
    mail =
        new GreenMail(setup.dynamicPort())
            .withConfiguration(
                GreenMailConfiguration.aConfig().withUser("alerts@example.com", USER, PASSWORD));
    mail.start();
    return mail;
  }

  @Test
  void plainSmtpSendsOneMessageToEveryRecipientWithTheHeadlineAndTheFirstCommands()
      throws Exception {
    start(ServerSetupTest.SMTP);
    NotificationChannelSpec channel =
        email("dba-mail", EmailSecurity.NONE, mail.getSmtp().getPort(), false);
    try (Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      List<ChannelResult> results =
          notifier.deliver(Fixtures.failed(), List.of(channel), Fixtures.secrets(Map.of()));

      assertThat(results).containsExactly(new ChannelResult("dba-mail", true, 1, null));
    }
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(2);
    for (String to : List.of("dba@example.com", "oncall@example.org")) {
      var user = mail.getUserManager().getUserByEmail(to);
      assertThat(user).as(to).isNotNull();
      assertThat(mail.getManagers().getImapHostManager().getInbox(user).getMessageCount())
          .as(to)
          .isEqualTo(1);
    }
    MimeMessage m = received[0];
    assertThat(m.getSubject()).isEqualTo("[dbbackup] FAILED shop/orders-db: database unreachable");
    assertThat(m.getFrom()[0].toString()).isEqualTo("backups@example.com");
    assertThat(Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString))
        .containsExactly("dba@example.com", "oncall@example.org");
    assertThat(m.getHeader("X-Dbbackup-Event")).containsExactly("BackupFailed");
    String body = GreenMailUtil.getBody(m).replace("\r\n", "\n");
    assertThat(body)
        .startsWith("FAILED shop/orders-db: database unreachable\n")
        .containsPattern("Event: +BackupFailed \\(critical\\)")
        .containsPattern("Resource: +DatabaseBackup shop/orders-db")
        .containsPattern("Backup id: +20261124T020000Z-7f3a")
        .containsPattern("Exit code: +3")
        .containsPattern("Reason: +DatabaseUnreachable")
        .contains("kubectl -n shop describe databasebackup orders-db")
        .contains("kubectl -n shop get jobs -l dbbackup.io/backup=orders-db")
        .contains("kubectl -n shop logs job/");
  }

  @Test
  void starttlsUpgradesBeforeAuthenticatingAndDelivers() throws Exception {
    start(ServerSetupTest.SMTP);
    try (StartTlsFront front =
            new StartTlsFront(TestTls.serverContext(), mail.getSmtp().getPort());
        Notifier notifier = new DefaultNotifier(trustingTestCertificate())) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(email("dba-mail", EmailSecurity.STARTTLS, front.port(), true)),
              credentials(PASSWORD));

      assertThat(results).containsExactly(new ChannelResult("dba-mail", true, 1, null));
      assertThat(front.clearCommands()).hasSize(2);
      assertThat(front.clearCommands().get(0)).startsWith("EHLO ");
      assertThat(front.clearCommands().get(1)).isEqualTo("STARTTLS");
    }
    assertThat(mail.getReceivedMessages()).hasSize(2);
  }

  @Test
  void wrongCredentialsAreReportedOnceWithoutThePassword() throws Exception {
    start(ServerSetupTest.SMTP);
    try (StartTlsFront front =
            new StartTlsFront(TestTls.serverContext(), mail.getSmtp().getPort());
        LogCapture logs = new LogCapture();
        Notifier notifier = new DefaultNotifier(trustingTestCertificate())) {
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(email("dba-mail", EmailSecurity.STARTTLS, front.port(), true)),
                  credentials("wrong-pa55word"))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.error())
          .isEqualTo(
              "email: SMTP localhost:" + front.port() + " refused the credentials (1 attempt)");
      assertThat(logs.text()).doesNotContain("wrong-pa55word");
    }
    assertThat(mail.getReceivedMessages()).isEmpty();
  }

  @Test
  void starttlsIsRequiredNotMerelyTried() throws Exception {
    start(ServerSetupTest.SMTP);
    int port = mail.getSmtp().getPort();
    try (Notifier notifier = new DefaultNotifier(trustingTestCertificate())) {
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(email("dba-mail", EmailSecurity.STARTTLS, port, true)),
                  credentials(PASSWORD))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.error()).contains("does not offer STARTTLS");
    }
    assertThat(mail.getReceivedMessages()).isEmpty();
  }

  @Test
  void implicitTlsWithAuthDelivers() throws Exception {
    start(ServerSetupTest.SMTPS);
    try (Notifier notifier = new DefaultNotifier(trustingTestCertificate())) {
      List<ChannelResult> results =
          notifier.deliver(
              Fixtures.failed(),
              List.of(email("dba-mail", EmailSecurity.TLS, mail.getSmtps().getPort(), true)),
              credentials(PASSWORD));

      assertThat(results).containsExactly(new ChannelResult("dba-mail", true, 1, null));
    }
    assertThat(mail.getReceivedMessages()).hasSize(2);
    assertThat(mail.getReceivedMessages()[0].getSubject())
        .isEqualTo("[dbbackup] FAILED shop/orders-db: database unreachable");
  }

  @Test
  void anUntrustedCertificateIsRefusedByDefault() throws Exception {
    start(ServerSetupTest.SMTPS);
    try (Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      ChannelResult result =
          notifier
              .deliver(
                  Fixtures.failed(),
                  List.of(email("dba-mail", EmailSecurity.TLS, mail.getSmtps().getPort(), true)),
                  credentials(PASSWORD))
              .get(0);

      assertThat(result.delivered()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.error()).contains("TLS failed");
    }
    assertThat(mail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aBadAddressNamesTheField() {
    NotificationChannelSpec channel = email("dba-mail", EmailSecurity.NONE, 25, false);
    channel.getEmail().setTo(List.of("dba@example.com", "not an address"));
    try (Notifier notifier = new DefaultNotifier(Fixtures.fast(Duration.ofSeconds(10)))) {
      ChannelResult result =
          notifier.deliver(Fixtures.failed(), List.of(channel), Fixtures.secrets(Map.of())).get(0);

      assertThat(result.error())
          .isEqualTo("email: email.to: \"not an address\" is not an e-mail address (1 attempt)");
    }
  }

  private static NotifierSettings trustingTestCertificate() throws Exception {
    return Fixtures.fast(Duration.ofSeconds(10))
        .withSmtpSocketFactory(TestTls.clientContext().getSocketFactory());
  }

  private static SecretSource credentials(String password) {
    return Fixtures.secrets(Map.of("smtp/username", USER, "smtp/password", password));
  }

  private static NotificationChannelSpec email(
      String name, EmailSecurity security, int port, boolean auth) {
    EmailChannelSpec spec = new EmailChannelSpec();
    spec.setHost("localhost");
    spec.setPort(port);
    spec.setSecurity(security);
    spec.setFrom("backups@example.com");
    spec.setTo(List.of("dba@example.com", "oncall@example.org"));
    if (auth) {
      spec.setUsernameSecretRef(new SecretKeyRef("smtp", "username"));
      spec.setPasswordSecretRef(new SecretKeyRef("smtp", "password"));
    }
    NotificationChannelSpec c = new NotificationChannelSpec();
    c.setName(name);
    c.setEmail(spec);
    return c;
  }
}
