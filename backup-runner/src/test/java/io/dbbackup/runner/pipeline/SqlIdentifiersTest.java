package io.dbbackup.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlIdentifiersTest {
  @Test
  void copyTargetIsTheQualifiedNameAsWritten() {
    assertThat(SqlIdentifiers.copyTarget("COPY public.orders (id, total) FROM stdin;"))
        .isEqualTo("public.orders");
    assertThat(SqlIdentifiers.copyTarget("COPY \"my schema\".\"a.\"\"b\" FROM stdin;"))
        .isEqualTo("\"my schema\".\"a.\"\"b\"");
  }

  @Test
  void identifierEndsAtItsClosingQuoteOrASeparator() {
    assertThat(SqlIdentifiers.identifierEnd("alice;", 0)).isEqualTo(5);
    assertThat(SqlIdentifiers.identifierEnd("\"a \"\"b\"\" c\" WITH", 0)).isEqualTo(11);
    assertThat(SqlIdentifiers.identifierEnd("\"open", 0)).isEqualTo(5);
  }

  @Test
  void unquoteUndoesQuotingOnly() {
    assertThat(SqlIdentifiers.unquote("\"a \"\"b\"\"\"")).isEqualTo("a \"b\"");
    assertThat(SqlIdentifiers.unquote("Plain")).isEqualTo("Plain");
    assertThat(SqlIdentifiers.unquote("\"")).isEqualTo("\"");
  }
}
