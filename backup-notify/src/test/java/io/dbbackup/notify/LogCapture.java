package io.dbbackup.notify;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Every log line the notifier writes, message and key-value pairs, as text. */
final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  String text() {
    return appender.list.stream()
        .map(
            e ->
                e.getFormattedMessage()
                    + " "
                    + (e.getKeyValuePairs() == null ? "" : e.getKeyValuePairs().toString())
                    + (e.getThrowableProxy() == null
                        ? ""
                        : " " + e.getThrowableProxy().getMessage()))
        .collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
