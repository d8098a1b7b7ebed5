package io.dbbackup.api.validation;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A CronJob-style schedule: five fields, or one of the @-macros Kubernetes accepts. */
public final class CronSchedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private final String expression;
  private final ExecutionTime executionTime;

  private CronSchedule(String expression, Cron cron) {
    this.expression = expression;
    this.executionTime = ExecutionTime.forCron(cron);
  }

  /**
   * Parses a schedule.
   *
   * @throws IllegalArgumentException with a message a person can act on
   */
  public static CronSchedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    String trimmed = expression.trim();
    String fields = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    if (fields.startsWith("@")) {
      throw new IllegalArgumentException(
          "\"" + expression + "\" is not a known macro (use @hourly, @daily, @weekly, ...)");
    }
    if (fields.split("\\s+").length != 5) {
      throw new IllegalArgumentException(
          "\""
              + expression
              + "\" must have five fields: minute hour day-of-month month day-of-week");
    }
    try {
      return new CronSchedule(trimmed, PARSER.parse(fields));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "\"" + expression + "\" is not a valid cron expression: " + e.getMessage(), e);
    }
  }

  public String expression() {
    return expression;
  }

  /** The first run strictly after {@code after}. */
  public Optional<ZonedDateTime> nextAfter(ZonedDateTime after) {
    return executionTime.nextExecution(after);
  }

  /** The latest run at or before {@code atOrBefore}. */
  public Optional<ZonedDateTime> lastBefore(ZonedDateTime atOrBefore) {
    return executionTime.lastExecution(atOrBefore);
  }
}
