package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** E-mail over SMTP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EmailChannelSpec {
  public static final int MIN_PORT = 1;
  public static final int MAX_PORT = 65535;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("SMTP server host name.")
  private String host;

  @Default("587")
  @Min(MIN_PORT)
  @Max(MAX_PORT)
  @JsonPropertyDescription("SMTP server port: 587 for starttls, 465 for tls, 25 for none.")
  private int port = 587;

  @Default("starttls")
  @JsonPropertyDescription("starttls (upgrade a plain connection), tls (implicit TLS) or none.")
  private EmailSecurity security = EmailSecurity.STARTTLS;

  @JsonPropertyDescription("SMTP user name, if the server asks for authentication.")
  private SecretKeyRef usernameSecretRef;

  @JsonPropertyDescription("SMTP password, if the server asks for authentication.")
  private SecretKeyRef passwordSecretRef;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("Sender address, e.g. backups@example.com (no display name).")
  private String from;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("Recipient addresses (at least one), e.g. dba@example.com.")
  private List<String> to = new ArrayList<>();

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public EmailSecurity getSecurity() {
    return security;
  }

  public void setSecurity(EmailSecurity security) {
    this.security = security;
  }

  public SecretKeyRef getUsernameSecretRef() {
    return usernameSecretRef;
  }

  public void setUsernameSecretRef(SecretKeyRef usernameSecretRef) {
    this.usernameSecretRef = usernameSecretRef;
  }

  public SecretKeyRef getPasswordSecretRef() {
    return passwordSecretRef;
  }

  public void setPasswordSecretRef(SecretKeyRef passwordSecretRef) {
    this.passwordSecretRef = passwordSecretRef;
  }

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public List<String> getTo() {
    return to;
  }

  public void setTo(List<String> to) {
    this.to = to;
  }
}
