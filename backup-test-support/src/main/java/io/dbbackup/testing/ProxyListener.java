package io.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@link FaultProxy}'s listening socket on a free port of 127.0.0.1 and its accept thread, which
 * hands each client connection to a thread of its own; tracks every socket the proxy has open so
 * that refusing or closing resets them all.
 */
final class ProxyListener implements AutoCloseable {
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;

  ProxyListener() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts accepting; {@code serve} runs each connection on a thread of its own. */
  void start(Consumer<Socket> serve) {
    Thread accept = new Thread(() -> acceptLoop(serve), "fault-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** While set, new connections are reset as soon as accepted; setting it resets open ones. */
  void refuse(boolean on) {
    refusing = on;
    if (on) {
      open.forEach(ProxyListener::abort);
    }
  }

  /** Notes a socket to reset on {@link #refuse} or {@link #close}. */
  void track(Socket s) {
    open.add(s);
  }

  void untrack(Socket s) {
    open.remove(s);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(ProxyListener::abort);
  }

  /** Closes {@code s} with a reset, as a crashed peer's. */
  static void abort(Socket s) {
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

  private void acceptLoop(Consumer<Socket> serve) {
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
      Thread t = new Thread(() -> serve.accept(client), "fault-proxy-conn");
      t.setDaemon(true);
      t.start();
    }
  }
}
