package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.EmailChannelSpec;
import io.dbbackup.api.v1alpha1.EmailSecurity;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * E-mail over SMTP (Angus Mail): STARTTLS (required, not merely tried), implicit TLS or none; the
 * server's certificate and host name are always checked; optional AUTH; one message to every
 * recipient with the headline as subject and the facts and first commands as plain text.
 */
final class EmailSender implements ChannelSender {
  private final SSLSocketFactory sockets;

  /**
   * @param sockets the TLS sockets to use; null: the JVM's default trust store
   */
  EmailSender(SSLSocketFactory sockets) {
    this.sockets = sockets;
  }

  @Override
  public String kind() {
    return "email";
  }

  @Override
  public void send(
      Notification n, NotificationChannelSpec channel, SecretSource secrets, Duration timeout)
      throws NotificationException {
    EmailChannelSpec spec = channel.getEmail();
    if (spec.getHost() == null || spec.getHost().isBlank()) {
      throw new NotificationException("email.host is required", false);
    }
    if ((spec.getUsernameSecretRef() == null) != (spec.getPasswordSecretRef() == null)) {
      throw new NotificationException(
          "email.usernameSecretRef and email.passwordSecretRef are set together or not at all",
          false);
    }
    EmailSecurity security =
        spec.getSecurity() == null ? EmailSecurity.STARTTLS : spec.getSecurity();
    InternetAddress from = address("email.from", spec.getFrom());
    List<InternetAddress> to = new ArrayList<>();
    if (spec.getTo() == null || spec.getTo().isEmpty()) {
      throw new NotificationException("email.to: expected at least one address", false);
    }
    for (String a : spec.getTo()) {
      to.add(address("email.to", a));
    }
    String user = null;
    String password = null;
    if (spec.getUsernameSecretRef() != null) {
      user = secrets.read(spec.getUsernameSecretRef());
      password = secrets.read(spec.getPasswordSecretRef());
    }
    String protocol = security == EmailSecurity.TLS ? "smtps" : "smtp";
    Session session =
        Session.getInstance(properties(spec, security, protocol, user != null, timeout));
    String server = spec.getHost() + ":" + spec.getPort();
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(from);
      message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
      message.setSubject(NotificationText.subject(n), "UTF-8");
      message.setText(NotificationText.plainBody(n), "UTF-8");
      message.setSentDate(n.occurredAt() == null ? new Date() : Date.from(n.occurredAt()));
      message.setHeader("X-Dbbackup-Event", n.event().name());
      try (Transport transport = session.getTransport(protocol)) {
        transport.connect(spec.getHost(), spec.getPort(), user, password);
        transport.sendMessage(message, message.getAllRecipients());
      }
    } catch (MessagingException e) {
      throw classify(server, security, e, timeout);
    }
  }

  private Properties properties(
      EmailChannelSpec spec,
      EmailSecurity security,
      String protocol,
      boolean auth,
      Duration timeout) {
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", spec.getHost());
    props.put(p + "port", String.valueOf(spec.getPort()));
    String millis = String.valueOf(Math.max(1, timeout.toMillis()));
    props.put(p + "connectiontimeout", millis);
    props.put(p + "timeout", millis);
    props.put(p + "writetimeout", millis);
    props.put(p + "auth", String.valueOf(auth));
    props.put(p + "from", spec.getFrom());
    switch (security) {
      case STARTTLS -> {
        props.put(p + "starttls.enable", "true");
        props.put(p + "starttls.required", "true");
        props.put(p + "ssl.checkserveridentity", "true");
      }
      case TLS -> {
        props.put(p + "ssl.enable", "true");
        props.put(p + "ssl.checkserveridentity", "true");
      }
      case NONE -> {
        // plain SMTP, as configured
      }
    }
    if (sockets != null && security != EmailSecurity.NONE) {
      props.put(p + "ssl.socketFactory", sockets);
    }
    return props;
  }

  private static InternetAddress address(String field, String value) throws NotificationException {
    try {
      InternetAddress a = new InternetAddress(value == null ? "" : value.strip(), true);
      a.validate();
      return a;
    } catch (AddressException e) {
      throw new NotificationException(
          field + ": \"" + value + "\" is not an e-mail address", false);
    }
  }

  /** What went wrong, named by server and kind, without the credentials; 4xx and I/O retryable. */
  private static NotificationException classify(
      String server, EmailSecurity security, MessagingException e, Duration timeout) {
    if (e instanceof AuthenticationFailedException) {
      return new NotificationException("SMTP " + server + " refused the credentials", false);
    }
    if (e instanceof SMTPAddressFailedException a) {
      return new NotificationException(
          "SMTP " + server + " refused recipient " + a.getAddress() + ": " + reply(a.getMessage()),
          a.getReturnCode() >= 400 && a.getReturnCode() < 500);
    }
    if (e instanceof SMTPSendFailedException s) {
      return new NotificationException(
          "SMTP " + server + " refused the message: " + reply(s.getMessage()),
          s.getReturnCode() >= 400 && s.getReturnCode() < 500);
    }
    if (e instanceof SendFailedException s
        && s.getNextException() instanceof MessagingException m) {
      return classify(server, security, m, timeout);
    }
    if (e instanceof MailConnectException) {
      return new NotificationException(
          "cannot connect to SMTP "
              + server
              + (timeoutCause(e) ? " within " + JsonPost.seconds(timeout) : ""),
          true);
    }
    if (timeoutCause(e)) {
      return new NotificationException(
          "SMTP " + server + ": no answer within " + JsonPost.seconds(timeout), true);
    }
    SSLException ssl = cause(e, SSLException.class);
    if (ssl != null) {
      return new NotificationException(
          "SMTP " + server + ": TLS failed (" + reply(ssl.getMessage()) + ")", false);
    }
    String text = reply(e.getMessage());
    if (security == EmailSecurity.STARTTLS && text.contains("STARTTLS")) {
      return new NotificationException(
          "SMTP " + server + " does not offer STARTTLS (security: starttls requires it)", false);
    }
    return new NotificationException("SMTP " + server + ": " + text, true);
  }

  private static boolean timeoutCause(Throwable e) {
    return cause(e, SocketTimeoutException.class) != null;
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String reply(String s) {
    if (s == null) {
      return "no reason given";
    }
    String line = NotificationText.oneLine(s);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
