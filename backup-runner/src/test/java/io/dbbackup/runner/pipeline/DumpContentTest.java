package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Counting a pg_dumpall script's roles, databases, COPY rows and large objects as it streams. */
class DumpContentTest {
  static final String SCRIPT =
      """
      --
      -- PostgreSQL database cluster dump
      --

      CREATE ROLE shop_app;
      CREATE ROLE "Ünï ""q""\";
      COMMENT ON ROLE shop_app IS '
      CREATE ROLE not_a_role;
      ';

      --
      -- Database "shop" dump
      --

      --
      -- PostgreSQL database dump
      --

      CREATE DATABASE shop;
      \\connect shop
      COPY public.orders (id, note) FROM stdin;
      1\tfirst
      2\t-- Database "evil" dump
      3\t\\\\.
      \\.
      COPY "Sch. ema"."Tä ""b"" (x" (id) FROM stdin;
      \\.
      SELECT pg_catalog.lo_create('16401');
      SELECT pg_catalog.lo_create('16402');
      --
      -- PostgreSQL database dump complete
      --

      --
      -- Database "Ørders" dump
      --

      --
      -- PostgreSQL database dump
      --

      \\restrict AbC
      COPY public.t FROM stdin;
      x
      -- PostgreSQL database dump complete
      \\.
      \\unrestrict AbC

      --
      -- PostgreSQL database cluster dump complete
      --
      """;

  @Test
  void countsWhatTheScriptHoldsWhateverTheChunking() {
    byte[] bytes = SCRIPT.getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 3, 7, 64, bytes.length}) {
      DumpContent content = new DumpContent();
      for (int i = 0; i < bytes.length; i += chunk) {
        content.update(bytes, i, Math.min(chunk, bytes.length - i));
      }
      DumpContent.Summary s = content.summary();
      assertThat(s.roles()).as("chunk %d", chunk).containsExactly("shop_app", "Ünï \"q\"");
      assertThat(s.databases())
          .extracting(DumpContent.Database::name)
          .containsExactly("shop", "Ørders");
      assertThat(s.databases().get(0).tables())
          .containsExactly(
              new DumpContent.Table("public.orders", 3),
              new DumpContent.Table("\"Sch. ema\".\"Tä \"\"b\"\" (x\"", 0));
      assertThat(s.databases().get(0).largeObjects()).isEqualTo(2);
      assertThat(s.databases().get(1).tables())
          .containsExactly(new DumpContent.Table("public.t", 2));
      assertThat(s.tables()).isEqualTo(3);
      assertThat(s.rows()).isEqualTo(5);
    }
  }

  @Test
  void aRowLongerThanAnyMarkerCountsOnce() {
    DumpContent content = new DumpContent();
    byte[] head =
        "--\n-- Database \"d\" dump\n--\n\n--\n-- PostgreSQL database dump\n--\n\nCOPY public.big (v) FROM stdin;\n"
            .getBytes(StandardCharsets.UTF_8);
    content.update(head, 0, head.length);
    byte[] big = new byte[DumpScanner.MAX_LINE + 10];
    java.util.Arrays.fill(big, (byte) 'a');
    content.update(big, 0, big.length);
    byte[] tail = "\nsmall\n\\.\n".getBytes(StandardCharsets.UTF_8);
    content.update(tail, 0, tail.length);
    assertThat(content.summary().databases().get(0).tables())
        .containsExactly(new DumpContent.Table("public.big", 2));
  }
}
