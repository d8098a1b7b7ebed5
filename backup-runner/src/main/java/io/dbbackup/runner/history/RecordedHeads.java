package io.dbbackup.runner.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.Catalog;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.ManifestCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit chain's head as written outside the database: in every manifest ({@code
 * auditChainHead}) and in the store's {@code .state/audit-chain-head.json}, updated at the end of
 * each run. A recorded head missing from the chain means rows were deleted.
 */
public final class RecordedHeads {
  static final String STATE = "audit-chain-head.json";
  private static final ObjectMapper JSON = ManifestCodec.mapper();

  private RecordedHeads() {}

  /** The heads the store records; none when it records none (or cannot be read). */
  public static List<AuditChain.RecordedHead> read(BackupStore store) throws IOException {
    List<AuditChain.RecordedHead> heads = new ArrayList<>();
    if (store.listState().contains(STATE)) {
      JsonNode n = JSON.readTree(store.readState(STATE));
      Optional<ChainHead> head = ChainHead.parse(n.path("head").asText(null));
      if (head.isPresent()) {
        Instant at = n.hasNonNull("at") ? Instant.parse(n.get("at").asText()) : null;
        heads.add(new AuditChain.RecordedHead(head.get(), at, "the store's .state/" + STATE));
      }
    }
    for (Manifest m : Catalog.read(store).backups()) {
      ChainHead.parse(m.auditChainHead())
          .ifPresent(
              h ->
                  heads.add(
                      new AuditChain.RecordedHead(
                          h, m.endTime(), "the manifest of backup " + m.id())));
    }
    return heads;
  }

  /** Records {@code head} in the store's state; a failure is the caller's to log. */
  public static void write(BackupStore store, ChainHead head, Instant at) throws IOException {
    Map<String, String> state = new LinkedHashMap<>();
    state.put("head", head.toString());
    state.put("at", at.toString());
    store.putState(STATE, JSON.writeValueAsBytes(state));
  }
}
