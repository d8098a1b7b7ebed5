package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** E-mail over SMTP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EmailChannelSpec {
  @Required
  @JsonPropertyDescription("SMTP server host name.")
  private String host;

  @Default("587")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("SMTP server port.")
  private int port = 587;

  @Default("starttls")
  @JsonPropertyDescription("starttls (upgrade a plain connection), tls (implicit TLS) or none.")
  private EmailSecurity security = EmailSecurity.STARTTLS;

  @JsonPropertyDescription("SMTP user name, if the server asks for authentication.")
  private SecretKeyRef usernameSecretRef;

  @JsonPropertyDescription("SMTP password, if the server asks for authentication.")
  private SecretKeyRef passwordSecretRef;

  @Required
  @JsonPropertyDescription("Sender address.")
  private String from;

  @Required
  @JsonPropertyDescription("Recipient addresses (at least one).")
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
