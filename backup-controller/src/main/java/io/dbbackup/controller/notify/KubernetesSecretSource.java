package io.dbbackup.controller.notify;

import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.notify.NotificationException;
import io.dbbackup.notify.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads a channel's Secret keys through the API with a plain GET (the controller has {@code get} on
 * Secrets, never list or watch), in one namespace. Remembers what it read and the first problem, so
 * the caller can redact every value from an error and name a missing Secret. Not shared between
 * deliveries.
 */
public final class KubernetesSecretSource implements SecretSource {
  private final KubernetesClient client;
  private final String namespace;
  private final List<String> values = new ArrayList<>();
  private volatile String problem;

  public KubernetesSecretSource(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public String read(SecretKeyRef ref) throws NotificationException {
    if (ref == null || ref.getName() == null || ref.getKey() == null) {
      throw fail("a secret reference without name or key", false);
    }
    String what = "Secret " + namespace + "/" + ref.getName();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      throw fail("cannot read " + what + " (HTTP " + e.getCode() + ")", e.getCode() >= 500);
    }
    if (secret == null) {
      throw fail(what + " not found", false);
    }
    String value = null;
    if (secret.getData() != null && secret.getData().get(ref.getKey()) != null) {
      try {
        value =
            new String(
                Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw fail(what + " key " + ref.getKey() + " is not valid base64", false);
      }
    } else if (secret.getStringData() != null) {
      value = secret.getStringData().get(ref.getKey());
    }
    if (value == null) {
      throw fail(what + " has no key " + ref.getKey(), false);
    }
    synchronized (values) {
      values.add(value);
      values.add(value.strip());
    }
    return value;
  }

  /** The first Secret problem met, or null. */
  public String problem() {
    return problem;
  }

  /** {@code text} with every value read replaced by {@code ***}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    synchronized (values) {
      for (String v : values) {
        if (v.length() >= 4) {
          out = out.replace(v, "***");
        }
      }
    }
    return out;
  }

  private NotificationException fail(String message, boolean retryable) {
    if (problem == null) {
      problem = message;
    }
    return new NotificationException(message, retryable);
  }
}
