package io.dbbackup.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK HttpServer playing a webhook, Slack or PagerDuty: records every request, answers with the
 * queued statuses (then 200 or the default), and can hold its answers until released.
 */
final class HttpPeer implements AutoCloseable {
  record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private volatile int defaultStatus = 200;
  private volatile String replyBody = "ok";
  private volatile CountDownLatch hold;

  HttpPeer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            Map.copyOf(exchange.getRequestHeaders()),
            body));
    CountDownLatch h = hold;
    if (h != null) {
      try {
        h.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Integer next = statuses.poll();
    int status = next == null ? defaultStatus : next;
    byte[] reply = replyBody.getBytes(StandardCharsets.UTF_8);
    try {
      exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
      if (reply.length > 0) {
        exchange.getResponseBody().write(reply);
      }
    } catch (IOException e) {
      // the client gave up waiting
    }
    exchange.close();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  HttpPeer answer(int... codes) {
    for (int c : codes) {
      statuses.add(c);
    }
    return this;
  }

  HttpPeer answerAlways(int code, String body) {
    defaultStatus = code;
    replyBody = body;
    return this;
  }

  /** Requests are recorded at once but answered only after the returned latch is counted down. */
  CountDownLatch holdAnswers() {
    hold = new CountDownLatch(1);
    return hold;
  }

  Request next(long seconds) throws InterruptedException {
    return requests.poll(seconds, TimeUnit.SECONDS);
  }

  int received() {
    return requests.size();
  }

  @Override
  public void close() {
    CountDownLatch h = hold;
    if (h != null) {
      h.countDown();
    }
    server.stop(0);
  }
}
