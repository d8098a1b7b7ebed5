package io.dbbackup.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AotTrainingTest {
  @Test
  void commandsAreSplitAtEachDoubleDash() {
    List<String[]> commands =
        AotTraining.commands(
            "backup", "-f", "a.yaml", "--", "--", "backup", "-f", "b.yaml", "--secrets-dir", "s");
    assertThat(commands)
        .containsExactly(
            new String[] {"backup", "-f", "a.yaml"},
            new String[] {"backup", "-f", "b.yaml", "--secrets-dir", "s"});
  }

  @Test
  void noArgumentsAreNoCommands() {
    assertThat(AotTraining.commands()).isEmpty();
    assertThat(AotTraining.commands("--")).isEmpty();
  }
}
