package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** The server a restore writes into. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreTargetSpec {
  @Required
  @JsonPropertyDescription("Host name or address of the target PostgreSQL server.")
  private String host;

  @Default("5432")
  @Min(1)
  @Max(65535)
  private int port = 5432;

  @Required
  @JsonPropertyDescription("Role to connect as (a superuser, to create roles and databases).")
  private String user;

  private SecretKeyRef passwordSecretRef;

  @Default("prefer")
  private SslMode sslMode = SslMode.PREFER;

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

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public SecretKeyRef getPasswordSecretRef() {
    return passwordSecretRef;
  }

  public void setPasswordSecretRef(SecretKeyRef passwordSecretRef) {
    this.passwordSecretRef = passwordSecretRef;
  }

  public SslMode getSslMode() {
    return sslMode;
  }

  public void setSslMode(SslMode sslMode) {
    this.sslMode = sslMode;
  }
}
