package io.dbbackup.runner.history;

import java.util.ArrayList;
import java.util.List;

/**
 * How the run's history fared, for the resource's status: the audit chain's newest row and the
 * warnings (history unwritable, chain broken or restarted). Warnings never change the exit code.
 */
public record HistoryHealth(String auditChainHead, List<Warning> warnings) {
  public static final String HISTORY_UNAVAILABLE = "HistoryUnavailable";
  public static final String AUDIT_CHAIN_BROKEN = "AuditChainBroken";
  public static final String AUDIT_CHAIN_RESTARTED = "AuditChainRestarted";

  /** Nothing known yet. */
  public static final HistoryHealth NONE = new HistoryHealth(null, List.of());

  /** One warning: a condition reason and a message. */
  public record Warning(String reason, String message) {}

  public HistoryHealth {
    warnings = List.copyOf(warnings);
  }

  public HistoryHealth withWarning(String reason, String message) {
    List<Warning> w = new ArrayList<>(warnings);
    if (w.stream().noneMatch(x -> x.reason().equals(reason) && x.message().equals(message))) {
      w.add(new Warning(reason, message));
    }
    return new HistoryHealth(auditChainHead, w);
  }

  public HistoryHealth withHead(ChainHead head) {
    return new HistoryHealth(head == null ? auditChainHead : head.toString(), warnings);
  }

  public boolean healthy() {
    return warnings.isEmpty();
  }
}
