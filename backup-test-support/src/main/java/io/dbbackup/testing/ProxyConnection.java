package io.dbbackup.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One client connection of {@link FaultProxy}: reads each request head, carries out the {@link
 * Fault} the proxy decides for it, and forwards what passes over one upstream connection of its
 * own, whose responses a pump thread streams back to the client. Bodies are streamed, never
 * buffered.
 */
final class ProxyConnection {
  private final Socket client;
  private final InetSocketAddress upstream;
  private final ProxyListener sockets;
  private final CountDownLatch closed;
  private final Function<RequestHead, Fault> decide;
  private Socket up;

  /**
   * @param sockets where the upstream socket is tracked and the client's untracked when done
   * @param closed counted down when the proxy closes: ends hung and delayed requests
   * @param decide what to do with each request head
   */
  ProxyConnection(
      Socket client,
      InetSocketAddress upstream,
      ProxyListener sockets,
      CountDownLatch closed,
      Function<RequestHead, Fault> decide) {
    this.client = client;
    this.upstream = upstream;
    this.sockets = sockets;
    this.closed = closed;
    this.decide = decide;
  }

  /** Serves requests until either side goes away or a fault ends the connection. */
  void serve() {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
      OutputStream clientOut = client.getOutputStream();
      while (true) {
        RequestHead head = RequestHead.read(in);
        if (head == null || !handle(head, in, clientOut)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the connection is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sockets.untrack(client);
      if (up != null) {
        ProxyListener.abort(up);
        sockets.untrack(up);
      }
    }
  }

  /** Carries out what the proxy decided for one request; false when the connection is done. */
  private boolean handle(RequestHead head, InputStream in, OutputStream clientOut)
      throws IOException, InterruptedException {
    Fault fault = decide.apply(head);
    switch (fault.kind()) {
      case RESPOND -> {
        FramedBody.discard(head, in);
        clientOut.write(fault.response());
        clientOut.flush();
        return false; // Connection: close
      }
      case DELAY -> {
        if (closed.await(fault.delay().toMillis(), TimeUnit.MILLISECONDS)) {
          return false;
        }
      }
      case HANG -> {
        closed.await();
        return false;
      }
      case STALL -> {
        FramedBody.discard(head, in);
        closed.await();
        return false;
      }
      default -> {
        // PASS and DROP forward
      }
    }
    return forward(head, in, clientOut, fault.bodyLimit());
  }

  /**
   * Forwards the head and at most {@code limit} bytes of the body; false, with both sides reset,
   * when the limit cut the body or the upstream is unreachable.
   */
  private boolean forward(RequestHead head, InputStream in, OutputStream clientOut, long limit)
      throws IOException {
    if (up == null && !connect(clientOut)) {
      return false;
    }
    OutputStream upOut = up.getOutputStream();
    upOut.write(head.raw());
    upOut.flush();
    if (!FramedBody.copy(head, in, upOut, limit)) {
      upOut.flush();
      ProxyListener.abort(up);
      ProxyListener.abort(client);
      return false;
    }
    upOut.flush();
    return true;
  }

  /**
   * Opens the upstream connection and starts the pump of its responses to the client; false, with
   * the client reset, when the upstream is unreachable.
   */
  private boolean connect(OutputStream clientOut) {
    up = new Socket();
    sockets.track(up);
    try {
      up.connect(upstream, 10_000);
    } catch (IOException e) {
      ProxyListener.abort(client);
      return false;
    }
    Socket from = up;
    Thread pump = new Thread(() -> pumpResponses(from, clientOut), "fault-proxy-pump");
    pump.setDaemon(true);
    pump.start();
    return true;
  }

  private void pumpResponses(Socket from, OutputStream clientOut) {
    try {
      from.getInputStream().transferTo(clientOut);
    } catch (IOException e) {
      // either side went away
    }
    ProxyListener.abort(client);
  }
}
