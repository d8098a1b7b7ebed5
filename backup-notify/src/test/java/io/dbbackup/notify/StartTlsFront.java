package io.dbbackup.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * STARTTLS in front of GreenMail (whose SMTP server has no STARTTLS): greets, answers EHLO with
 * STARTTLS, upgrades the connection with the test certificate, then relays the encrypted session to
 * GreenMail's plain port, where the client's second EHLO, AUTH and the message arrive. Records the
 * commands it saw in the clear.
 */
final class StartTlsFront implements AutoCloseable {
  private final ServerSocket server;
  private final SSLContext tls;
  private final int upstreamPort;
  private final List<String> clearCommands = new CopyOnWriteArrayList<>();

  StartTlsFront(SSLContext tls, int upstreamPort) throws IOException {
    this.tls = tls;
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("starttls-front").start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** What the client sent before TLS: EHLO and STARTTLS, and never AUTH. */
  List<String> clearCommands() {
    return List.copyOf(clearCommands);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofPlatform().daemon().start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      write(out, "220 localhost ESMTP starttls-front\r\n");
      String ehlo = readLine(in);
      clearCommands.add(ehlo);
      write(out, "250-localhost\r\n250 STARTTLS\r\n");
      String next = readLine(in);
      clearCommands.add(next);
      if (!next.equalsIgnoreCase("STARTTLS")) {
        write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
        return;
      }
      write(out, "220 2.0.0 Ready to start TLS\r\n");
      SSLSocket secure =
          (SSLSocket)
              tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), true);
      secure.setUseClientMode(false);
      secure.startHandshake();
      try (secure;
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        readLine(upstream.getInputStream()); // GreenMail's greeting; the client had ours
        Thread back = Thread.ofPlatform().daemon().start(() -> pipe(upstream, secure));
        pipe(secure, upstream);
        back.join(10_000);
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // one side closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException | UnsupportedOperationException e) {
        try {
          to.close();
        } catch (IOException ignored) {
          // closed
        }
      }
    }
  }

  /** One CRLF line, read a byte at a time so no TLS bytes are consumed. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
