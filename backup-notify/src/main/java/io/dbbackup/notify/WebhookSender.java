package io.dbbackup.notify;

import io.dbbackup.api.hash.Sha256;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.WebhookChannelSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook: a POST of {@link NotificationJson#body}, signed with {@code
 * X-Dbbackup-Signature: sha256=<hex HMAC-SHA256 of the body>} when a signing key is set.
 */
final class WebhookSender implements ChannelSender {
  static final String SIGNATURE_HEADER = "X-Dbbackup-Signature";
  static final String EVENT_HEADER = "X-Dbbackup-Event";

  private final HttpClient http;

  WebhookSender(HttpClient http) {
    this.http = http;
  }

  @Override
  public String kind() {
    return "webhook";
  }

  @Override
  public void send(
      Notification n, NotificationChannelSpec channel, SecretSource secrets, Duration timeout)
      throws NotificationException {
    WebhookChannelSpec spec = channel.getWebhook();
    if (spec.getUrlSecretRef() == null) {
      throw new NotificationException("webhook.urlSecretRef is required", false);
    }
    URI url = JsonPost.url(secrets.read(spec.getUrlSecretRef()), spec.getUrlSecretRef());
    byte[] body = NotificationJson.bodyBytes(n);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(EVENT_HEADER, n.event().name());
    if (spec.getSigningKeySecretRef() != null) {
      headers.put(SIGNATURE_HEADER, signature(secrets.read(spec.getSigningKeySecretRef()), body));
    }
    JsonPost.post(http, url, body, headers, timeout);
  }

  /** {@code sha256=<hex HMAC-SHA256 of body>}, keyed with the UTF-8 bytes of the key. */
  static String signature(String key, byte[] body) throws NotificationException {
    if (key == null || key.isEmpty()) {
      throw new NotificationException("webhook.signingKeySecretRef names an empty key", false);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(body);
      return "sha256=" + Sha256.hex(mac);
    } catch (GeneralSecurityException e) {
      throw new NotificationException("HMAC-SHA256 unavailable", false, e);
    }
  }
}
