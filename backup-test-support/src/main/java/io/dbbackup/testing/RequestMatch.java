package io.dbbackup.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which requests a {@link FaultProxy.Rule} applies to: a method ("*" for any), a regular expression
 * the path (without the query) must match in full, and query parameters the request must have and
 * must lack.
 */
final class RequestMatch {
  private final String method;
  private final Pattern path;
  private final List<String> query = new ArrayList<>();
  private final List<String> notQuery = new ArrayList<>();

  RequestMatch(String method, String pathRegex) {
    this.method = method;
    this.path = Pattern.compile(pathRegex);
  }

  /** Requires {@code param} ("uploads", "list-type", "partNumber=2") in the query. */
  void require(String param) {
    query.add(param);
  }

  /** Requires the query to lack {@code param}. */
  void exclude(String param) {
    notQuery.add(param);
  }

  boolean test(RequestHead head) {
    if (!method.equals("*") && !method.equalsIgnoreCase(head.method())) {
      return false;
    }
    if (!path.matcher(head.path()).matches()) {
      return false;
    }
    List<String> keys = head.queryKeys();
    if (!keys.containsAll(query)) {
      return false;
    }
    return notQuery.stream().noneMatch(keys::contains);
  }
}
