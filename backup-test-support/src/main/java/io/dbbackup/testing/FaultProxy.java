package io.dbbackup.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
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
 *
 * <p>This class owns the fault plan (the rules, and what each request gets); {@link ProxyListener}
 * accepts connections, {@link ProxyConnection} serves each one, {@link RequestHead} and {@link
 * FramedBody} read requests, {@link EqualPartsCheck} is the R2 rule.
 */
public final class FaultProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ProxyListener listener;
  private final EqualPartsCheck parts = new EqualPartsCheck();
  private volatile boolean equalParts;

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code upstream}. */
  public FaultProxy(URI upstream) {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    listener = new ProxyListener();
    listener.start(this::serve);
  }

  /** In front of {@code s3}. */
  public static FaultProxy in(S3ProxyServer s3) {
    return new FaultProxy(s3.endpoint());
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.port());
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
    listener.refuse(on);
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
    return parts.completions();
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
    listener.close();
  }

  private void serve(Socket client) {
    new ProxyConnection(client, upstream, listener, closed, this::decide).serve();
  }

  /**
   * What a request gets: counted, then (with {@link #requireEqualParts}) refused if R2 would refuse
   * it, else what the first matching rule with firings left says, else passed.
   */
  private Fault decide(RequestHead head) {
    seen.add(head.method() + " " + head.target());
    parts.record(head);
    if (equalParts && !parts.passes(head)) {
      return Fault.respond(
          S3ErrorResponse.of(
              head.method(), 400, "Bad Request", "InvalidPart", EqualPartsCheck.MESSAGE, "r2"));
    }
    for (Rule r : rules) {
      if (r.matches(head) && r.fire()) {
        return r.fault(head.method());
      }
    }
    return Fault.PASS;
  }

  /**
   * What to do with requests of a method whose path matches a regular expression (and whose query
   * has the given parameters): answer an S3 error, delay, hang, drop mid-body, or pass (counting
   * only), once, {@code n} times or always.
   */
  public static final class Rule {
    private final RequestMatch match;
    private Fault.Kind action = Fault.Kind.PASS;
    private int status;
    private Duration delay = Duration.ZERO;
    private long dropAfter;
    private final AtomicInteger left = new AtomicInteger(-1);
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicInteger matched = new AtomicInteger();
    private final CountDownLatch firstFired = new CountDownLatch(1);

    private Rule(String method, String pathRegex) {
      this.match = new RequestMatch(method, pathRegex);
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
      match.require(param);
      return this;
    }

    /** Only requests whose query lacks {@code param} (e.g. a PUT that is not a part upload). */
    public Rule withoutQuery(String param) {
      match.exclude(param);
      return this;
    }

    /** Answers {@code status} with an S3 XML error body: 500 InternalError, 503 SlowDown. */
    public Rule status(int code) {
      this.action = Fault.Kind.RESPOND;
      this.status = code;
      return this;
    }

    /** Forwards the request after {@code d}. */
    public Rule delay(Duration d) {
      this.action = Fault.Kind.DELAY;
      this.delay = d;
      return this;
    }

    /** Never answers, nor reads the body; the connection stays open until the proxy is closed. */
    public Rule hang() {
      this.action = Fault.Kind.HANG;
      return this;
    }

    /**
     * Reads the whole request (a store that accepted the upload) and never answers; the connection
     * stays open until the proxy is closed.
     */
    public Rule stall() {
      this.action = Fault.Kind.STALL;
      return this;
    }

    /** Forwards the head and the first {@code bytes} of the body, then resets both connections. */
    public Rule dropAfter(long bytes) {
      this.action = Fault.Kind.DROP;
      this.dropAfter = bytes;
      return this;
    }

    /** Forwards unchanged (to count matching requests). */
    public Rule pass() {
      this.action = Fault.Kind.PASS;
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

    boolean matches(RequestHead head) {
      if (!match.test(head)) {
        return false;
      }
      matched.incrementAndGet();
      return true;
    }

    /** Takes one firing if any is left. */
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

    /** What this rule does to a request of {@code requestMethod} it fired on. */
    Fault fault(String requestMethod) {
      byte[] response = action == Fault.Kind.RESPOND ? errorResponse(requestMethod) : null;
      return new Fault(action, delay, dropAfter, response);
    }

    private byte[] errorResponse(String requestMethod) {
      String reason = status == 503 ? "Service Unavailable" : "Error";
      return S3ErrorResponse.of(
          requestMethod,
          status,
          reason,
          S3ErrorResponse.codeFor(status),
          "injected by FaultProxy",
          "fault-" + fired.get());
    }
  }
}
