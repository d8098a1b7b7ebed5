package io.dbbackup.notify;

import io.dbbackup.api.retry.Retry;
import io.dbbackup.api.v1alpha1.NotificationChannelSpec;
import io.dbbackup.api.v1alpha1.SecretKeyRef;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Notifier}: every channel on its own thread of a bounded pool, each attempt with a time
 * limit, retryable failures tried again with exponential backoff until the channel's time limit.
 * Errors are redacted of every secret value the channel read before they are logged or returned.
 */
public final class DefaultNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultNotifier.class);
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final List<String> KINDS = List.of("email", "slack", "pagerDuty", "webhook");

  private final NotifierSettings settings;
  private final Retry retry;
  private final HttpClient http;
  private final ExecutorService executor;
  private final List<ChannelSender> senders;

  public DefaultNotifier(NotifierSettings settings) {
    this.settings = settings;
    this.retry =
        Retry.backoff(settings.initialBackoff())
            .atMost(settings.maxBackoff())
            .attempts(settings.maxAttempts());
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.callTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.executor = Executors.newFixedThreadPool(settings.parallelism(), threads());
    this.senders =
        List.of(
            new EmailSender(settings.smtpSocketFactory()),
            new SlackSender(http),
            new PagerDutySender(http, settings.pagerDutyEventsUrl()),
            new WebhookSender(http));
  }

  @Override
  public List<ChannelResult> deliver(
      Notification notification, List<NotificationChannelSpec> channels, SecretSource secrets) {
    long deadline = System.nanoTime() + settings.channelTimeLimit().toNanos();
    List<NotificationChannelSpec> list = channels == null ? List.of() : channels;
    List<Future<ChannelResult>> futures = new ArrayList<>();
    for (NotificationChannelSpec channel : list) {
      try {
        futures.add(executor.submit(() -> deliverOne(notification, channel, secrets, deadline)));
      } catch (RejectedExecutionException e) {
        futures.add(null);
      }
    }
    List<ChannelResult> results = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      results.add(await(futures.get(i), notification, name(list.get(i)), deadline));
    }
    return results;
  }

  private ChannelResult await(
      Future<ChannelResult> future, Notification n, String name, long deadline) {
    if (future == null) {
      return new ChannelResult(name, false, 0, "the notifier is closed");
    }
    long wait = deadline - System.nanoTime() + GRACE.toNanos();
    try {
      return future.get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return failed(n, name, 0, "gave up after " + JsonPost.seconds(settings.channelTimeLimit()));
    } catch (ExecutionException e) {
      return failed(n, name, 0, "unexpected " + e.getCause().getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return failed(n, name, 0, "interrupted");
    }
  }

  private ChannelResult deliverOne(
      Notification n, NotificationChannelSpec channel, SecretSource secrets, long deadline) {
    String name = name(channel);
    ChannelSender sender;
    try {
      sender = senderFor(channel);
    } catch (NotificationException e) {
      return failed(n, name, 0, e.getMessage());
    }
    Redactor redactor = new Redactor(secrets);
    AtomicInteger attempts = new AtomicInteger();
    String[] lastError = {null};
    String error;
    try {
      retry
          .until(deadline)
          .call(
              attempt -> {
                attempts.set(attempt);
                return sendOnce(n, channel, sender, redactor, deadline, attempt);
              },
              e -> e instanceof NotificationException ne && ne.retryable(),
              (e, attempt, wait) -> lastError[0] = redactor.redact(e.getMessage()));
      return new ChannelResult(name, true, attempts.get(), null);
    } catch (NotificationException e) {
      error = redactor.redact(e.getMessage());
      if (e.retryable() && attempts.get() < settings.maxAttempts()) {
        error += "; time limit " + JsonPost.seconds(settings.channelTimeLimit()) + " reached";
      }
    } catch (InterruptedException e) {
      error = lastError[0] + "; interrupted";
    } catch (RuntimeException e) {
      error = "unexpected " + e.getClass().getSimpleName();
    }
    int tried = attempts.get();
    return failed(
        n,
        name,
        tried,
        sender.kind() + ": " + error + " (" + tried + " attempt" + (tried == 1 ? ")" : "s)"));
  }

  /** One attempt; a retryable failure is logged before it is thrown on. */
  private ChannelResult sendOnce(
      Notification n,
      NotificationChannelSpec channel,
      ChannelSender sender,
      Redactor redactor,
      long deadline,
      int attempt)
      throws NotificationException {
    long remaining = deadline - System.nanoTime();
    Duration timeout = min(settings.callTimeout(), Duration.ofNanos(Math.max(remaining, 1)));
    String name = name(channel);
    try {
      sender.send(n, channel, redactor, timeout);
    } catch (NotificationException e) {
      if (e.retryable()) {
        LOG.atWarn()
            .addKeyValue("event", "notification_attempt_failed")
            .addKeyValue("channel", name)
            .addKeyValue("kind", sender.kind())
            .addKeyValue("notification", n.event())
            .addKeyValue("attempt", attempt)
            .addKeyValue("error", redactor.redact(e.getMessage()))
            .log("notification attempt failed");
      }
      throw e;
    }
    LOG.atInfo()
        .addKeyValue("event", "notification_sent")
        .addKeyValue("channel", name)
        .addKeyValue("kind", sender.kind())
        .addKeyValue("notification", n.event())
        .addKeyValue("attempts", attempt)
        .log("notification delivered");
    return null;
  }

  private static ChannelResult failed(Notification n, String name, int attempts, String error) {
    LOG.atWarn()
        .addKeyValue("event", "notification_failed")
        .addKeyValue("channel", name)
        .addKeyValue("notification", n == null ? null : n.event())
        .addKeyValue("attempts", attempts)
        .addKeyValue("error", error)
        .log("notification not delivered");
    return new ChannelResult(name, false, attempts, error);
  }

  /** The sender for the one kind the channel sets. */
  private ChannelSender senderFor(NotificationChannelSpec c) throws NotificationException {
    List<String> kinds = KINDS.stream().filter(k -> configured(c, k)).toList();
    if (kinds.size() != 1) {
      throw new NotificationException(
          "channel "
              + name(c)
              + ": exactly one of email, slack, pagerDuty, webhook must be set (found "
              + kinds.size()
              + ")",
          false);
    }
    for (ChannelSender s : senders) {
      if (s.kind().equals(kinds.get(0))) {
        return s;
      }
    }
    throw new NotificationException(
        "channel " + name(c) + ": " + kinds.get(0) + " is not supported", false);
  }

  private static boolean configured(NotificationChannelSpec c, String kind) {
    return switch (kind) {
      case "email" -> c.getEmail() != null;
      case "slack" -> c.getSlack() != null;
      case "pagerDuty" -> c.getPagerDuty() != null;
      case "webhook" -> c.getWebhook() != null;
      default -> false;
    };
  }

  /** The wait after {@code failedAttempts} failures (the settings' backoff, doubling, capped). */
  Duration backoff(int failedAttempts) {
    return retry.delay(failedAttempts);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String name(NotificationChannelSpec c) {
    return c == null || c.getName() == null ? "(unnamed)" : c.getName();
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "notify-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    // Not close(): that waits for requests in flight, and a dead peer's may never end.
    http.shutdownNow();
  }

  /** A SecretSource that remembers what it handed out, to blank it from any error text. */
  private static final class Redactor implements SecretSource {
    private final SecretSource delegate;
    private final Set<String> values = ConcurrentHashMap.newKeySet();

    Redactor(SecretSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String read(SecretKeyRef ref) throws NotificationException {
      if (delegate == null) {
        throw new NotificationException("no secrets available to read " + ref.getName(), false);
      }
      String v = delegate.read(ref);
      if (v != null) {
        String s = v.strip();
        if (s.length() >= 3) {
          values.add(v);
          values.add(s);
        }
      }
      return v;
    }

    String redact(String text) {
      if (text == null) {
        return "unknown error";
      }
      String out = text;
      for (String v : values) {
        out = out.replace(v, "[redacted]");
      }
      return out;
    }
  }
}
