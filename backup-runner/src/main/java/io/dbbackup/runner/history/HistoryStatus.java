package io.dbbackup.runner.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.dbbackup.api.v1alpha1.BackupPhase;
import java.io.IOException;
import java.util.Locale;

/**
 * The one mapping between a run's {@link BackupPhase} and its value in backup_history.status
 * ({@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code SKIPPED}: a table contract). The
 * spooled run records (pending-history-*.json) and the summary log line carry the same value.
 */
public final class HistoryStatus {
  private HistoryStatus() {}

  /** backup_history.status of {@code phase}. */
  public static String column(BackupPhase phase) {
    return phase.name().toUpperCase(Locale.ROOT);
  }

  /** The phase backup_history.status {@code value} stands for. */
  public static BackupPhase phase(String value) {
    for (BackupPhase p : BackupPhase.values()) {
      if (column(p).equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("not a backup_history.status: " + value);
  }

  /** Writes a phase as its backup_history.status value. */
  static final class Writer extends JsonSerializer<BackupPhase> {
    @Override
    public void serialize(BackupPhase value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(column(value));
    }
  }

  /** Reads a phase from its backup_history.status value. */
  static final class Reader extends JsonDeserializer<BackupPhase> {
    @Override
    public BackupPhase deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      try {
        return phase(p.getValueAsString());
      } catch (IllegalArgumentException e) {
        return (BackupPhase)
            ctxt.handleWeirdStringValue(BackupPhase.class, p.getText(), e.getMessage());
      }
    }
  }
}
