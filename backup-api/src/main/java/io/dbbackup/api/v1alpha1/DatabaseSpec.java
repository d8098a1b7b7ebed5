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

/** The PostgreSQL server to back up and how to reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseSpec {
  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Host name or address of the PostgreSQL server.")
  private String host;

  @Default("5432")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("TCP port of the PostgreSQL server.")
  private int port = 5432;

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "Role to connect as; pg_dumpall needs a superuser for roles and passwords.")
  private String user;

  @JsonPropertyDescription("Secret key holding the role's password.")
  private SecretKeyRef passwordSecretRef;

  @Default("prefer")
  @JsonPropertyDescription(
      "libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full.")
  private SslMode sslMode = SslMode.PREFER;

  @JsonPropertyDescription("Liveness check before the dump: attempts with exponential backoff.")
  private ConnectRetrySpec connectRetry = new ConnectRetrySpec();

  @JsonPropertyDescription("Databases to dump; empty: the whole cluster with pg_dumpall.")
  private List<String> databases = new ArrayList<>();

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

  public ConnectRetrySpec getConnectRetry() {
    return connectRetry;
  }

  public void setConnectRetry(ConnectRetrySpec connectRetry) {
    this.connectRetry = connectRetry;
  }

  public List<String> getDatabases() {
    return databases;
  }

  public void setDatabases(List<String> databases) {
    this.databases = databases;
  }
}
