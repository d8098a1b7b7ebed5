package io.dbbackup.api.validation;

import io.dbbackup.api.v1alpha1.SecretKeyRef;
import io.dbbackup.api.v1alpha1.SecretRef;
import io.dbbackup.api.v1alpha1.SecretReferences;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The name rules both validators share: Kubernetes' own (DNS labels, DNS subdomains, Secret keys)
 * and the path rules for values that become folders or object keys. Each check returns the
 * violation message, or null when the value is fine.
 */
public final class KubernetesNames {
  /** An RFC 1123 DNS label, as Kubernetes requires of namespaces. */
  public static final String DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  public static final int DNS_LABEL_MAX = 63;
  public static final int DNS_SUBDOMAIN_MAX = 253;
  public static final int SECRET_KEY_MAX = 253;

  private static final Pattern DNS_LABEL = Pattern.compile(DNS_LABEL_PATTERN);
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(SecretRef.NAME_PATTERN);
  private static final Pattern SECRET_KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");

  private KubernetesNames() {}

  /** A DNS label: names and namespaces, which become folders, object key segments and lock keys. */
  public static String dnsLabel(String value) {
    if (value != null && value.length() <= DNS_LABEL_MAX && DNS_LABEL.matcher(value).matches()) {
      return null;
    }
    return "must be a DNS label (lowercase letters, digits and '-', start and end alphanumeric,"
        + " at most 63 characters), got "
        + quote(value);
  }

  /** A DNS subdomain, as Kubernetes requires of Secret and PersistentVolumeClaim names. */
  public static String dnsSubdomain(String value, String what) {
    if (value != null
        && value.length() <= DNS_SUBDOMAIN_MAX
        && DNS_SUBDOMAIN.matcher(value).matches()) {
      return null;
    }
    return "must be a "
        + what
        + " name (a DNS subdomain: lowercase letters, digits, '-' and '.', at most 253"
        + " characters), got "
        + quote(value);
  }

  /**
   * A Secret key, which the runner reads as a file in the Secret's folder: Kubernetes' pattern
   * {@code [-._a-zA-Z0-9]+}, at most 253 characters, and not {@code .} or {@code ..}.
   */
  public static String secretKey(String value) {
    if (value != null
        && value.length() <= SECRET_KEY_MAX
        && SECRET_KEY.matcher(value).matches()
        && !value.equals(".")
        && !value.equals("..")) {
      return null;
    }
    return "must be a key of the Secret (letters, digits, '-', '_' and '.', at most 253"
        + " characters, not '.' or '..'), got "
        + quote(value);
  }

  /**
   * A path of {@code /}-separated segments below a root (an S3 prefix): none empty, {@code .} or
   * {@code ..}, so no leading or trailing {@code /} and no {@code //}.
   */
  public static String relativePath(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "must not contain control characters (a line break, a tab), got " + quote(value);
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "must be segments separated by single '/', none empty, '.' or '..' (no leading"
            + " or trailing '/'), got "
            + quote(value);
      }
    }
    return null;
  }

  /** An absolute path whose segments never step up ({@code ..}) or stand still ({@code .}). */
  public static String absolutePath(String value) {
    if (value == null || !value.startsWith("/")) {
      return "must be an absolute path, got " + quote(value);
    }
    if (List.of(value.split("/")).stream().anyMatch(s -> s.equals(".") || s.equals(".."))) {
      return "must not have '.' or '..' segments, got " + quote(value);
    }
    return null;
  }

  /** Adds the violations of a Secret key reference (name and key) to {@code out}. */
  static void secretKeyRef(List<Violation> out, String field, SecretKeyRef ref) {
    if (ref == null) {
      return;
    }
    add(out, field + ".name", dnsSubdomain(ref.getName(), "Secret"));
    add(out, field + ".key", secretKey(ref.getKey()));
  }

  /**
   * Adds the violations of a spec's {@link SecretReferences} whose field is under {@code section}
   * (e.g. {@code spec.database.}) to {@code out}: a Secret name, and the key of a key reference.
   */
  static void secretReferences(
      List<Violation> out, List<SecretReferences.Entry> refs, String section) {
    for (SecretReferences.Entry ref : refs) {
      if (ref.fieldPath().startsWith(section)) {
        add(out, ref.fieldPath() + ".name", dnsSubdomain(ref.secretName(), "Secret"));
        if (!ref.wholeSecret()) {
          add(out, ref.fieldPath() + ".key", secretKey(ref.key()));
        }
      }
    }
  }

  /** Adds {@code message} for {@code field} unless it is null. */
  static void add(List<Violation> out, String field, String message) {
    if (message != null) {
      out.add(new Violation(field, message));
    }
  }

  /** {@code s} in double quotes, its control characters escaped so a message stays one line. */
  static String quote(String s) {
    if (s == null) {
      return "nothing";
    }
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.chars()
        .forEach(
            c -> {
              switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                    out.append(
                        c < 0x20 || c == 0x7f
                            ? String.format("\\x%02x", c)
                            : String.valueOf((char) c));
              }
            });
    return out.append('"').toString();
  }
}
