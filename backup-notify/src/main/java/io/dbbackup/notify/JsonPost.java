package io.dbbackup.notify;

import io.dbbackup.api.v1alpha1.SecretKeyRef;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One JSON POST to a URL that is itself a secret: errors say what the peer answered (status and a
 * short excerpt of its reply), never where it is. 2xx is delivered; 408, 429 and 5xx, timeouts and
 * connection failures are worth retrying; any other answer is not.
 */
final class JsonPost {
  private static final int EXCERPT = 200;

  private JsonPost() {}

  /** The absolute http(s) URL read from a Secret; the message names the Secret, not the value. */
  static URI url(String value, SecretKeyRef ref) throws NotificationException {
    String s = value == null ? "" : value.strip();
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.isAbsolute()
          && uri.getHost() != null
          && (scheme.equals("http") || scheme.equals("https"))) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below without the value
    }
    throw new NotificationException(
        "the value of Secret "
            + ref.getName()
            + " key "
            + ref.getKey()
            + " is not an absolute http(s) URL",
        false);
  }

  static void post(
      HttpClient http, URI uri, byte[] body, Map<String, String> headers, Duration timeout)
      throws NotificationException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "dbbackup-operator")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new NotificationException("could not connect within " + seconds(timeout), true);
    } catch (HttpTimeoutException e) {
      throw new NotificationException("no answer within " + seconds(timeout), true);
    } catch (ConnectException e) {
      throw new NotificationException("connection refused or host unreachable", true);
    } catch (IOException e) {
      throw new NotificationException("I/O error (" + e.getClass().getSimpleName() + ")", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotificationException("interrupted", false);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    boolean retryable = status == 408 || status == 429 || status >= 500;
    String excerpt = excerpt(response.body());
    throw new NotificationException(
        "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt), retryable);
  }

  private static String excerpt(String body) {
    if (body == null) {
      return "";
    }
    String line = body.replaceAll("\\s+", " ").strip();
    return line.length() > EXCERPT ? line.substring(0, EXCERPT) + "..." : line;
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
