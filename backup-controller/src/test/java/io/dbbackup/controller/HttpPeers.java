package io.dbbackup.controller;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * JDK HTTP servers playing the webhook and PagerDuty peers: every request is recorded (path,
 * headers, body). {@code /dead/...} answers after a pause longer than the test's call timeout, and
 * then 500; everything else 202.
 */
final class HttpPeers implements AutoCloseable {
  record Request(String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  HttpPeers() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          String path = exchange.getRequestURI().getPath();
          requests.add(
              new Request(
                  path,
                  Map.copyOf(exchange.getRequestHeaders()),
                  new String(body, StandardCharsets.UTF_8)));
          int status = 202;
          if (path.startsWith("/dead/")) {
            try {
              Thread.sleep(1500);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            status = 500;
          }
          byte[] answer = "{\"status\":\"success\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> at(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  List<Request> all() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
