package io.dbbackup.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A fault-injecting HTTP/1.1 proxy at the TCP level, for putting in front of {@link S3ProxyServer}:
 * clients use {@link #endpoint()}, and every request is forwarded byte for byte (Host header and
 * all, so SigV4 signatures stay valid) unless a {@link Rule} matching its method, path and query
 * answers an S3 error, delays it, hangs it (before or after reading its body), or drops the
 * connection part way through its body. Bodies are streamed, never buffered. Counts every request
 * head it saw.
 *
 * <p>With {@link #requireEqualParts(boolean)} it also behaves like Cloudflare R2, which refuses a
 * CompleteMultipartUpload whose parts other than the last differ in size.
 */
public final class FaultProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ServerSocket server;
  private volatile boolean refusing;
  private volatile boolean equalParts;

  /** Per upload id: the Content-Length of each part number uploaded through the proxy. */
  private final Map<String, Map<Integer, Long>> partSizes = new ConcurrentHashMap<>();

  private final List<List<Long>> completions = new CopyOnWriteArrayList<>();

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code upstream}. */
  public FaultProxy(URI upstream) {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread accept = new Thread(this::acceptLoop, "fault-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** In front of {@code s3}. */
  public static FaultProxy in(S3ProxyServer s3) {
    return new FaultProxy(s3.endpoint());
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Adds {@code rule}; the first matching rule with firings left applies to a request. */
  public Rule add(Rule rule) {
    rules.add(rule);
    return rule;
  }

  /** Removes every rule: from now on everything passes. */
  public void clearRules() {
    rules.clear();
  }

  /**
   * While set, new connections are closed as soon as they are accepted and open ones are cut, as a
   * store that went away would behave.
   */
  public void refuse(boolean on) {
    refusing = on;
    if (on) {
      open.forEach(FaultProxy::abort);
    }
  }

  /**
   * While set, a CompleteMultipartUpload is answered 400 InvalidPart, as Cloudflare R2 answers it,
   * when the parts uploaded for it other than the highest-numbered one do not all have the same
   * size; an upload that passes is forwarded (and its part sizes listed in {@link
   * #completedPartSizes()}).
   */
  public void requireEqualParts(boolean on) {
    equalParts = on;
  }

  /**
   * The part sizes, in part order, of every CompleteMultipartUpload forwarded while {@link
   * #requireEqualParts} was set.
   */
  public List<List<Long>> completedPartSizes() {
    return List.copyOf(completions);
  }

  /** Every request seen, as "METHOD target", in order. */
  public List<String> requests() {
    return List.copyOf(seen);
  }

  /** How many requests seen had {@code method} and a target matching {@code targetRegex}. */
  public long count(String method, String targetRegex) {
    Predicate<String> target = Pattern.compile(targetRegex).asPredicate();
    return seen.stream()
        .filter(r -> r.startsWith(method + " "))
        .filter(r -> target.test(r.substring(method.length() + 1)))
        .count();
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(FaultProxy::abort);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (refusing) {
        abort(client);
        continue;
      }
      open.add(client);
      Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  /** One client connection: request heads parsed and matched, bodies and responses streamed. */
  private void serve(Socket client) {
    Socket up = null;
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
      OutputStream clientOut = client.getOutputStream();
      while (true) {
        Head head = Head.read(in);
        if (head == null) {
          return;
        }
        seen.add(head.method + " " + head.target);
        recordPart(head);
        if (equalParts && !partsEqual(head)) {
          if (!head.expectsContinue()) {
            copyBody(head, in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
          }
          clientOut.write(
              errorResponse(
                  head.method,
                  400,
                  "Bad Request",
                  "InvalidPart",
                  "All non-trailing parts must have the same length.",
                  "r2"));
          clientOut.flush();
          return; // Connection: close
        }
        Rule rule = firing(head);
        Action action = rule == null ? Action.PASS : rule.action;
        if (action == Action.DELAY) {
          if (closed.await(rule.delay.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        }
        if (action == Action.HANG) {
          closed.await();
          return;
        }
        if (action == Action.STALL) {
          if (!head.expectsContinue()) {
            copyBody(head, in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
          }
          closed.await();
          return;
        }
        if (action == Action.STATUS) {
          if (!head.expectsContinue()) {
            copyBody(head, in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
          }
          clientOut.write(rule.errorResponse(head.method));
          clientOut.flush();
          return; // Connection: close
        }
        if (up == null) {
          up = new Socket();
          open.add(up);
          try {
            up.connect(upstream, 10_000);
          } catch (IOException e) {
            abort(client);
            return;
          }
          Socket upstreamSocket = up;
          Thread pump =
              new Thread(
                  () -> {
                    try {
                      upstreamSocket.getInputStream().transferTo(clientOut);
                    } catch (IOException e) {
                      // either side went away
                    }
                    abort(client);
                  },
                  "fault-proxy-pump");
          pump.setDaemon(true);
          pump.start();
        }
        OutputStream upOut = up.getOutputStream();
        upOut.write(head.raw);
        upOut.flush();
        long limit = action == Action.DROP ? rule.dropAfter : Long.MAX_VALUE;
        if (!copyBody(head, in, upOut, limit)) {
          upOut.flush();
          abort(up);
          abort(client);
          return;
        }
        upOut.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the connection is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(client);
      if (up != null) {
        abort(up);
        open.remove(up);
      }
    }
  }

  /** Notes the size of an UploadPart (PUT with partNumber and uploadId). */
  private void recordPart(Head head) {
    if (!head.method.equalsIgnoreCase("PUT")) {
      return;
    }
    String upload = head.queryValue("uploadId");
    String part = head.queryValue("partNumber");
    if (upload == null || part == null) {
      return;
    }
    try {
      partSizes
          .computeIfAbsent(upload, u -> new ConcurrentHashMap<>())
          .put(Integer.parseInt(part), head.payloadLength());
    } catch (NumberFormatException e) {
      // not a part number: the store answers it
    }
  }

  /**
   * Whether {@code head}, if it is a CompleteMultipartUpload (POST with uploadId), has parts of
   * equal size but for the last; anything else passes.
   */
  private boolean partsEqual(Head head) {
    if (!head.method.equalsIgnoreCase("POST")) {
      return true;
    }
    String upload = head.queryValue("uploadId");
    if (upload == null) {
      return true;
    }
    List<Long> sizes =
        new java.util.TreeMap<>(partSizes.getOrDefault(upload, Map.of()))
            .values().stream().toList();
    for (int i = 1; i < sizes.size() - 1; i++) {
      if (!sizes.get(i).equals(sizes.get(0))) {
        return false;
      }
    }
    completions.add(sizes);
    return true;
  }

  private Rule firing(Head head) {
    for (Rule r : rules) {
      if (r.matches(head) && r.fire()) {
        return r;
      }
    }
    return null;
  }

  /**
   * Copies the request body (by Content-Length or chunked framing, framing included) to {@code
   * out}; returns false, having copied {@code limit} bytes, when the limit stops it early.
   */
  private static boolean copyBody(Head head, InputStream in, OutputStream out, long limit)
      throws IOException {
    Limited o = new Limited(out, limit);
    if (head.chunked()) {
      while (true) {
        String sizeLine = readLine(in);
        if (!o.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII))) {
          return false;
        }
        int semi = sizeLine.indexOf(';');
        long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          String trailer;
          do {
            trailer = readLine(in);
            if (!o.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII))) {
              return false;
            }
          } while (!trailer.isEmpty());
          return true;
        }
        if (!o.copy(in, size + 2)) {
          return false;
        }
      }
    }
    return o.copy(in, head.contentLength());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in a chunked body");
      }
      if (prev == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
      }
      line.write(b);
      prev = b;
    }
  }

  private static void abort(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0); // a reset, as a crashed peer's
      }
    } catch (IOException e) {
      // closing anyway
    }
    try {
      s.close();
    } catch (IOException e) {
      // closed
    }
  }

  /** A stream writing at most {@code limit} bytes. */
  private static final class Limited {
    private final OutputStream out;
    private long left;

    Limited(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    boolean write(byte[] b) throws IOException {
      int n = (int) Math.min(b.length, left);
      out.write(b, 0, n);
      left -= n;
      return n == b.length;
    }

    boolean copy(InputStream in, long length) throws IOException {
      byte[] buf = new byte[64 * 1024];
      long remaining = length;
      while (remaining > 0) {
        if (left == 0) {
          return false;
        }
        int want = (int) Math.min(Math.min(buf.length, remaining), left);
        int n = in.read(buf, 0, want);
        if (n < 0) {
          throw new IOException("client closed mid-body");
        }
        out.write(buf, 0, n);
        left -= n;
        remaining -= n;
      }
      return true;
    }
  }

  /** A parsed request head, with its raw bytes for forwarding unchanged. */
  private record Head(byte[] raw, String method, String target, List<String[]> headers) {
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (buf.size() == 0) {
            return null;
          }
          throw new IOException("connection closed in a request head");
        }
        buf.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        if (buf.size() > 64 * 1024) {
          throw new IOException("request head too large");
        }
      }
      byte[] raw = buf.toByteArray();
      String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      List<String[]> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.add(
              new String[] {
                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                lines[i].substring(colon + 1).trim()
              });
        }
      }
      return new Head(raw, requestLine[0], requestLine[1], headers);
    }

    String header(String name) {
      return headers.stream()
          .filter(h -> h[0].equals(name))
          .map(h -> h[1])
          .findFirst()
          .orElse(null);
    }

    boolean chunked() {
      String te = header("transfer-encoding");
      return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    long contentLength() {
      String cl = header("content-length");
      return cl == null ? 0 : Long.parseLong(cl);
    }

    /** The length of the payload: aws-chunked framing sends it as x-amz-decoded-content-length. */
    long payloadLength() {
      String decoded = header("x-amz-decoded-content-length");
      return decoded != null ? Long.parseLong(decoded) : contentLength();
    }

    boolean expectsContinue() {
      String e = header("expect");
      return e != null && e.equalsIgnoreCase("100-continue");
    }

    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    /** The (undecoded) value of query parameter {@code name}, or null. */
    String queryValue(String name) {
      int q = target.indexOf('?');
      if (q < 0) {
        return null;
      }
      for (String p : target.substring(q + 1).split("&")) {
        int eq = p.indexOf('=');
        if (eq >= 0 && p.substring(0, eq).equals(name)) {
          return p.substring(eq + 1);
        }
      }
      return null;
    }

    List<String> queryKeys() {
      int q = target.indexOf('?');
      if (q < 0) {
        return List.of();
      }
      List<String> keys = new ArrayList<>();
      for (String p : target.substring(q + 1).split("&")) {
        keys.add(p);
        int eq = p.indexOf('=');
        if (eq >= 0) {
          keys.add(p.substring(0, eq));
        }
      }
      return keys;
    }
  }

  private enum Action {
    PASS,
    STATUS,
    DELAY,
    HANG,
    STALL,
    DROP
  }

  /**
   * What to do with requests of a method whose path matches a regular expression (and whose query
   * has the given parameters): answer an S3 error, delay, hang, drop mid-body, or pass (counting
   * only), once, {@code n} times or always.
   */
  public static final class Rule {
    private final String method;
    private final Pattern path;
    private final List<String> query = new ArrayList<>();
    private final List<String> notQuery = new ArrayList<>();
    private Action action = Action.PASS;
    private int status;
    private String errorCode;
    private Duration delay = Duration.ZERO;
    private long dropAfter;
    private final AtomicInteger left = new AtomicInteger(-1);
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicInteger matched = new AtomicInteger();
    private final CountDownLatch firstFired = new CountDownLatch(1);

    private Rule(String method, String pathRegex) {
      this.method = method;
      this.path = Pattern.compile(pathRegex);
    }

    /**
     * Requests of {@code method} ("*" for any) whose path (without the query) matches {@code
     * pathRegex} in full.
     */
    public static Rule on(String method, String pathRegex) {
      return new Rule(method, pathRegex);
    }

    /** Only requests whose query has {@code param} ("uploads", "list-type", "partNumber=2"). */
    public Rule withQuery(String param) {
      query.add(param);
      return this;
    }

    /** Only requests whose query lacks {@code param} (e.g. a PUT that is not a part upload). */
    public Rule withoutQuery(String param) {
      notQuery.add(param);
      return this;
    }

    /** Answers {@code status} with an S3 XML error body: 500 InternalError, 503 SlowDown. */
    public Rule status(int code) {
      this.action = Action.STATUS;
      this.status = code;
      this.errorCode =
          switch (code) {
            case 500 -> "InternalError";
            case 503 -> "SlowDown";
            case 403 -> "AccessDenied";
            case 404 -> "NoSuchKey";
            default -> "ServiceUnavailable";
          };
      return this;
    }

    /** Forwards the request after {@code d}. */
    public Rule delay(Duration d) {
      this.action = Action.DELAY;
      this.delay = d;
      return this;
    }

    /** Never answers, nor reads the body; the connection stays open until the proxy is closed. */
    public Rule hang() {
      this.action = Action.HANG;
      return this;
    }

    /**
     * Reads the whole request (a store that accepted the upload) and never answers; the connection
     * stays open until the proxy is closed.
     */
    public Rule stall() {
      this.action = Action.STALL;
      return this;
    }

    /** Forwards the head and the first {@code bytes} of the body, then resets both connections. */
    public Rule dropAfter(long bytes) {
      this.action = Action.DROP;
      this.dropAfter = bytes;
      return this;
    }

    /** Forwards unchanged (to count matching requests). */
    public Rule pass() {
      this.action = Action.PASS;
      return this;
    }

    public Rule once() {
      return times(1);
    }

    public Rule times(int n) {
      left.set(n);
      return this;
    }

    public Rule always() {
      left.set(-1);
      return this;
    }

    /** How many requests this rule acted on. */
    public int fired() {
      return fired.get();
    }

    /** How many requests matched, whether or not the rule had firings left. */
    public int matched() {
      return matched.get();
    }

    /** Waits until the rule first acted on a request. */
    public boolean awaitFired(Duration timeout) throws InterruptedException {
      return firstFired.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean matches(Head head) {
      if (!method.equals("*") && !method.equalsIgnoreCase(head.method)) {
        return false;
      }
      if (!path.matcher(head.path()).matches()) {
        return false;
      }
      List<String> keys = head.queryKeys();
      if (!keys.containsAll(query)) {
        return false;
      }
      if (notQuery.stream().anyMatch(keys::contains)) {
        return false;
      }
      matched.incrementAndGet();
      return true;
    }

    boolean fire() {
      while (true) {
        int l = left.get();
        if (l == 0) {
          return false;
        }
        if (l < 0 || left.compareAndSet(l, l - 1)) {
          fired.incrementAndGet();
          firstFired.countDown();
          return true;
        }
      }
    }

    byte[] errorResponse(String requestMethod) {
      String reason = status == 503 ? "Service Unavailable" : "Error";
      return FaultProxy.errorResponse(
          requestMethod,
          status,
          reason,
          errorCode,
          "injected by FaultProxy",
          "fault-" + fired.get());
    }
  }

  /** An S3 XML error response that closes the connection. */
  static byte[] errorResponse(
      String requestMethod,
      int status,
      String reason,
      String errorCode,
      String message,
      String requestId) {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
            + errorCode
            + "</Code><Message>"
            + message
            + "</Message><RequestId>"
            + requestId
            + "</RequestId></Error>";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = requestMethod.equalsIgnoreCase("HEAD");
    String response =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: application/xml\r\nContent-Length: "
            + (head ? 0 : bytes.length)
            + "\r\nx-amz-request-id: "
            + requestId
            + "\r\nConnection: close\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(response.getBytes(StandardCharsets.US_ASCII));
    if (!head) {
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
