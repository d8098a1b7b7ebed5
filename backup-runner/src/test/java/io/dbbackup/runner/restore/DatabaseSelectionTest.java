package io.dbbackup.runner.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Section filtering on scripts shaped as pg_dumpall writes them, with and without the restrict keys
 * of 15.14 and later, and content that reads like the markers.
 */
class DatabaseSelectionTest {
  static final String GLOBALS =
      """
      --
      -- PostgreSQL database cluster dump
      --

      %s
      CREATE ROLE shop_app;
      COMMENT ON ROLE shop_app IS '
      --
      -- Database "evil" dump
      --
      ';
      %s

      --
      -- Databases
      --

      """;

  static String section(String db, String body, String key) {
    return """
        --
        -- Database "%s" dump
        --

        --
        -- PostgreSQL database dump
        --

        %s
        -- Dumped by pg_dump
        CREATE DATABASE %s;
        \\connect %s
        %s
        --
        -- PostgreSQL database dump complete
        --

        %s

        """
        .formatted(
            db,
            key == null ? "" : "\\restrict " + key,
            db,
            db,
            body,
            key == null ? "" : "\\unrestrict " + key);
  }

  static final String TRAILER =
      """
      --
      -- PostgreSQL database cluster dump complete
      --

      """;

  /** Data and a function body that read like markers: a row per line, as COPY writes them. */
  static final String TRICKY_BODY =
      """
      COPY public.notes (note) FROM stdin;
      --
      -- Database "shop" dump
      --
      -- PostgreSQL database dump complete
      \\.

      """;

  static final String FUNCTION_BODY =
      """
      CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'x'
      --
      -- PostgreSQL database dump complete
      --
      --
      -- Database "shop" dump
      --
      $$;
      """;

  static String script(boolean restricted, String billingBody) {
    String globalsKey = restricted ? "\\restrict G1" : "";
    String globalsEnd = restricted ? "\\unrestrict G1" : "";
    return GLOBALS.formatted(globalsKey, globalsEnd)
        + section("billing", billingBody, restricted ? "K1" : null)
        + section("shop", "CREATE TABLE orders (id int);\n", restricted ? "K2" : null)
        + TRAILER;
  }

  static String filter(String script, Set<String> selected, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DatabaseSelection s = new DatabaseSelection(out, selected);
    byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunk) {
      s.write(bytes, i, Math.min(chunk, bytes.length - i));
    }
    s.close();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void keepsTheGlobalsTheSelectedSectionsAndTheTrailerByteForByte() throws IOException {
    for (boolean restricted : new boolean[] {true, false}) {
      String script = script(restricted, TRICKY_BODY);
      String globals =
          GLOBALS.formatted(restricted ? "\\restrict G1" : "", restricted ? "\\unrestrict G1" : "");
      String shop = section("shop", "CREATE TABLE orders (id int);\n", restricted ? "K2" : null);
      String billing = section("billing", TRICKY_BODY, restricted ? "K1" : null);
      for (int chunk : new int[] {1, 7, 8192}) {
        assertThat(filter(script, Set.of("shop"), chunk)).isEqualTo(globals + shop + TRAILER);
        assertThat(filter(script, Set.of("billing"), chunk)).isEqualTo(globals + billing + TRAILER);
        assertThat(filter(script, Set.of("billing", "shop"), chunk)).isEqualTo(script);
      }
    }
  }

  @Test
  void aFunctionBodyThatReadsLikeMarkersStaysInItsSectionWithRestrictKeys() throws IOException {
    String script = script(true, FUNCTION_BODY);
    String globals = GLOBALS.formatted("\\restrict G1", "\\unrestrict G1");
    assertThat(filter(script, Set.of("shop"), 64))
        .isEqualTo(globals + section("shop", "CREATE TABLE orders (id int);\n", "K2") + TRAILER);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DatabaseSelection s = new DatabaseSelection(out, Set.of("shop"));
    s.write(script.getBytes(StandardCharsets.UTF_8));
    s.close();
    assertThat(s.seen()).containsExactly("billing", "shop");
  }

  @Test
  void aLineTooLongToBeAMarkerPassesWholeOrNotAtAll() throws IOException {
    String longRow = "x".repeat(DatabaseSelection.MAX_LINE + 10) + "\n";
    String body = "COPY public.blobs (b) FROM stdin;\n" + longRow + "\\.\n";
    String script = script(true, body);
    String kept = filter(script, Set.of("billing"), 4096);
    assertThat(kept).contains(longRow).endsWith(TRAILER);
    String skipped = filter(script, Set.of("shop"), 4096);
    assertThat(skipped).doesNotContain("xxxxxxxx").contains("CREATE TABLE orders");
  }
}
