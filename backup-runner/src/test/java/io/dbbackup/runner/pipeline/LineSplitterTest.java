package io.dbbackup.runner.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  /** What the splitter said, one entry a call: L (line), P/F (piece, first piece), E (last). */
  private static List<String> split(byte[] script, int piece) throws IOException {
    List<String> calls = new ArrayList<>();
    LineSplitter splitter =
        new LineSplitter(
            new LineSplitter.Lines() {
              @Override
              public void line(byte[] b, int off, int len) {
                calls.add(len > 100 ? "L" + len : "L" + new String(b, off, len, UTF_8));
              }

              @Override
              public void longLinePiece(byte[] b, int off, int len, boolean first) {
                calls.add((first ? "F" : "P") + len);
              }

              @Override
              public void lastLine(byte[] b, int off, int len) {
                calls.add("E" + new String(b, off, len, UTF_8));
              }
            });
    for (int off = 0; off < script.length; off += piece) {
      splitter.update(script, off, Math.min(piece, script.length - off));
    }
    splitter.finish();
    return calls;
  }

  @Test
  void wholeLinesWhateverTheWriteSizesAndTheLastLineApart() throws IOException {
    byte[] script = "CREATE ROLE a;\n\nSELECT 1;\nno newline".getBytes(StandardCharsets.UTF_8);
    for (int piece : new int[] {1, 3, 16, 4096}) {
      assertThat(split(script, piece))
          .as("pieces of %d", piece)
          .containsExactly("LCREATE ROLE a;\n", "L\n", "LSELECT 1;\n", "Eno newline");
    }
  }

  @Test
  void aLineLongerThanTheLimitPassesInPiecesAndTheNextLineIsWholeAgain() throws IOException {
    ByteArrayOutputStream script = new ByteArrayOutputStream();
    script.writeBytes(new byte[LineSplitter.MAX_LINE + 100_000]);
    script.writeBytes("\nnext\n".getBytes(StandardCharsets.UTF_8));
    List<String> calls = split(script.toByteArray(), 7000);
    assertThat(calls.getFirst()).startsWith("F");
    assertThat(calls.subList(1, calls.size() - 1)).allMatch(c -> c.startsWith("P"));
    assertThat(calls.getLast()).isEqualTo("Lnext\n");
    long bytes =
        calls.subList(0, calls.size() - 1).stream()
            .mapToLong(c -> Long.parseLong(c.substring(1)))
            .sum();
    assertThat(bytes).isEqualTo(LineSplitter.MAX_LINE + 100_001);
  }

  @Test
  void theGlobalsFilterRewritesOnlyBeforeTheFirstConnectAndKeepsTheOrder() throws IOException {
    String script = "ALTER ROLE a PASSWORD 'x';\n\\connect db\nALTER ROLE a PASSWORD 'y';\ntail";
    for (int piece : new int[] {1, 5, 30, 4096}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      GlobalsFilter filter =
          new GlobalsFilter(out, line -> line.contains("PASSWORD") ? "ALTER ROLE a;\n" : null);
      byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
      for (int off = 0; off < bytes.length; off += piece) {
        filter.write(bytes, off, Math.min(piece, bytes.length - off));
      }
      filter.finish();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .as("pieces of %d", piece)
          .isEqualTo("ALTER ROLE a;\n\\connect db\nALTER ROLE a PASSWORD 'y';\ntail");
      assertThat(filter.written()).isEqualTo(out.size());
    }
  }
}
