package io.dbbackup.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cloudflare R2's rule for {@link FaultProxy#requireEqualParts}: notes the size of every UploadPart
 * seen, and refuses a CompleteMultipartUpload whose parts other than the highest-numbered one
 * differ in size, listing the part sizes of each one it lets through.
 */
final class EqualPartsCheck {
  /** The R2 answer to an upload it refuses. */
  static final String MESSAGE = "All non-trailing parts must have the same length.";

  /** Per upload id: the Content-Length of each part number uploaded through the proxy. */
  private final Map<String, Map<Integer, Long>> partSizes = new ConcurrentHashMap<>();

  private final List<List<Long>> completions = new CopyOnWriteArrayList<>();

  /** Notes the size of an UploadPart (PUT with partNumber and uploadId). */
  void record(RequestHead head) {
    if (!head.method().equalsIgnoreCase("PUT")) {
      return;
    }
    String upload = head.queryValue("uploadId");
    String part = head.queryValue("partNumber");
    if (upload == null || part == null) {
      return;
    }
    try {
      partSizes
          .computeIfAbsent(upload, u -> new ConcurrentHashMap<>())
          .put(Integer.parseInt(part), head.payloadLength());
    } catch (NumberFormatException e) {
      // not a part number: the store answers it
    }
  }

  /**
   * Whether {@code head}, if it is a CompleteMultipartUpload (POST with uploadId), has parts of
   * equal size but for the last (then listed in {@link #completions()}); anything else passes.
   */
  boolean passes(RequestHead head) {
    if (!head.method().equalsIgnoreCase("POST")) {
      return true;
    }
    String upload = head.queryValue("uploadId");
    if (upload == null) {
      return true;
    }
    List<Long> sizes =
        new TreeMap<>(partSizes.getOrDefault(upload, Map.of())).values().stream().toList();
    for (int i = 1; i < sizes.size() - 1; i++) {
      if (!sizes.get(i).equals(sizes.get(0))) {
        return false;
      }
    }
    completions.add(sizes);
    return true;
  }

  /** The part sizes, in part order, of every CompleteMultipartUpload that passed. */
  List<List<Long>> completions() {
    return List.copyOf(completions);
  }
}
