package io.dbbackup.runner.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Reproducible inputs: random bytes, and text shaped like a pg_dumpall COPY section. */
public final class TestData {
  private static final String[] WORDS = {
    "order",
    "shipped",
    "pending",
    "customer",
    "invoice",
    "warehouse",
    "Tokyo",
    "Osaka",
    "refund",
    "express",
    "standard",
    "priority",
    "cancelled",
    "delivered",
    "returned",
    "gift",
    "coupon",
    "payment",
    "card",
    "bank",
    "transfer",
    "note",
    "address",
    "street",
    "building",
    "floor"
  };

  private TestData() {}

  public static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Tab-separated rows like a dump's COPY data: ids, names, e-mails, timestamps, words. */
  public static byte[] text(int size, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(size + 256);
    sb.append("--\n-- PostgreSQL database cluster dump\n--\n\n");
    sb.append("COPY public.orders (id, customer, email, created_at, amount, status, note)")
        .append(" FROM stdin;\n");
    long id = 1;
    while (sb.length() < size) {
      int customer = r.nextInt(50_000);
      sb.append(id++)
          .append('\t')
          .append("Customer ")
          .append(customer)
          .append('\t')
          .append("customer")
          .append(customer)
          .append("@example.com\t2026-")
          .append(
              String.format(
                  "%02d-%02d %02d:%02d:%02d",
                  1 + r.nextInt(12),
                  1 + r.nextInt(28),
                  r.nextInt(24),
                  r.nextInt(60),
                  r.nextInt(60)))
          .append("+09\t")
          .append(r.nextInt(100_000) / 100.0)
          .append('\t')
          .append(WORDS[r.nextInt(WORDS.length)]);
      int words = r.nextInt(8);
      sb.append('\t');
      for (int i = 0; i < words; i++) {
        sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
      }
      sb.append('\n');
    }
    byte[] all = sb.toString().getBytes(StandardCharsets.US_ASCII);
    return java.util.Arrays.copyOf(all, size);
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
