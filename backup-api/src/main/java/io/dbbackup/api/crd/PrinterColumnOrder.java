package io.dbbackup.api.crd;

import io.dbbackup.api.v1alpha1.DatabaseBackup;
import io.dbbackup.api.v1alpha1.DatabaseRestore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Build step after fabric8's CRD generator, which sorts printer columns by JSON path: puts them
 * back in the order the resource class declares them (for DatabaseBackup: Schedule, Last Success,
 * Last Result, Size, Verified, Next, Age). Only the order of the column entries changes.
 */
public final class PrinterColumnOrder {
  private static final Map<String, Class<?>> CRDS =
      Map.of(
          "databasebackups.dbbackup.io-v1.yml", DatabaseBackup.class,
          "databaserestores.dbbackup.io-v1.yml", DatabaseRestore.class);
  private static final String ITEM = "    - jsonPath: ";

  private PrinterColumnOrder() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    for (var e : CRDS.entrySet()) {
      Path file = dir.resolve(e.getKey());
      String yaml = Files.readString(file, StandardCharsets.UTF_8);
      Files.writeString(file, reorder(yaml, declaredPaths(e.getValue())), StandardCharsets.UTF_8);
    }
  }

  static List<String> declaredPaths(Class<?> type) {
    return List.of(type.getAnnotationsByType(AdditionalPrinterColumn.class)).stream()
        .map(AdditionalPrinterColumn::jsonPath)
        .toList();
  }

  /** Reorders the entries of the (single-version) additionalPrinterColumns block. */
  static String reorder(String yaml, List<String> order) {
    int start = yaml.indexOf(ITEM);
    if (start < 0) {
      return yaml;
    }
    int end = start;
    List<String> items = new ArrayList<>();
    while (yaml.startsWith(ITEM, end)) {
      int next = yaml.indexOf(ITEM, end + ITEM.length());
      int blockEnd = yaml.indexOf("\n    name: ", end);
      int itemEnd = next >= 0 && next < blockEnd ? next : blockEnd + 1;
      items.add(yaml.substring(end, itemEnd));
      end = itemEnd;
    }
    List<String> sorted = new ArrayList<>(items);
    sorted.sort(
        java.util.Comparator.comparingInt(
            item -> {
              int i = order.indexOf(pathOf(item));
              return i < 0 ? Integer.MAX_VALUE : i;
            }));
    return yaml.substring(0, start) + String.join("", sorted) + yaml.substring(end);
  }

  private static String pathOf(String item) {
    String line = item.substring(ITEM.length(), item.indexOf('\n'));
    return line.replace("\"", "");
  }
}
