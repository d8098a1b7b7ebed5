package io.dbbackup.runner.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.dbbackup.api.log.EventLayout;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log line, rendered by the runner's own layout, while it is open. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final EventLayout layout = new EventLayout();
  private final List<String> lines = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();

  public static LogCapture open() {
    LogCapture capture = new LogCapture();
    capture.layout.setContext(root().getLoggerContext());
    capture.layout.start();
    capture.setContext(root().getLoggerContext());
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    lines.add(layout.doLayout(event));
    times.add(event.getTimeStamp());
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public synchronized String text() {
    return String.join("", lines);
  }

  /** Lines containing {@code event=<name>}. */
  public synchronized List<String> events(String name) {
    return lines.stream().filter(l -> l.contains(" event=" + name + " ")).toList();
  }

  /** Timestamps (epoch ms) of the lines containing {@code event=<name>}. */
  public synchronized List<Long> eventTimes(String name) {
    List<Long> result = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(" event=" + name + " ")) {
        result.add(times.get(i));
      }
    }
    return result;
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
