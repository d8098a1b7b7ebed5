package io.dbbackup.runner.pipeline;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What deflates the blocks of a {@link ParallelGzipOutputStream}: libdeflate when it can be loaded
 * (Java 22 or newer and the system's {@code libdeflate.so.0}), otherwise the JDK's bundled zlib.
 * Both give a standard gzip member; libdeflate is about twice as fast at the same level and a few
 * percent smaller (docs/architecture-codecs.md).
 *
 * <p>The system property {@code dbbackup.gzip.engine} ({@code auto}, {@code libdeflate} or {@code
 * zlib}) overrides the choice; {@code libdeflate} then fails when it cannot be loaded.
 */
interface DeflateEngine {
  String PROPERTY = "dbbackup.gzip.engine";

  /** Short name for logs: "libdeflate" or "zlib". */
  String name();

  /** Plain bytes per block this engine is best fed. */
  int preferredBlockSize();

  /** Deflates for one stream, {@code threads} blocks at a time; closed with the stream. */
  Session open(int level, int threads) throws IOException;

  /** The engine's state for one stream. {@link #deflate} may be called from several threads. */
  interface Session extends AutoCloseable {
    /**
     * Deflates one block to raw deflate data ending on a byte boundary: with the final-block bit
     * when {@code last}, otherwise continuable (a sync flush). {@code dictionary} holds the plain
     * bytes before the block, for an engine that can use them.
     */
    DeflatedBlock deflate(
        byte[] input, int length, byte[] dictionary, int dictionaryLength, boolean last)
        throws IOException;

    @Override
    void close();
  }

  /** The engine to use: the property's choice, else libdeflate when it loads, else zlib. */
  static DeflateEngine preferred() {
    return Selection.PREFERRED;
  }

  /** The engine named {@code name} ("auto", "libdeflate" or "zlib"). */
  static DeflateEngine named(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "auto", "" ->
          Selection.libdeflate() instanceof DeflateEngine e ? e : ZlibEngine.INSTANCE;
      case "zlib" -> ZlibEngine.INSTANCE;
      case "libdeflate" -> {
        Object loaded = Selection.libdeflate();
        if (loaded instanceof DeflateEngine e) {
          yield e;
        }
        throw new IllegalStateException("gzip engine libdeflate is not available: " + loaded);
      }
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " must be auto, libdeflate or zlib, got '" + name + "'");
    };
  }

  /** Loads libdeflate once; the result is the engine or the reason it is not available. */
  final class Selection {
    private static final Logger LOG = LoggerFactory.getLogger(DeflateEngine.class);
    private static final String LIBDEFLATE_CLASS = "io.dbbackup.runner.pipeline.LibdeflateEngine";
    private static Object libdeflate;
    static final DeflateEngine PREFERRED = choose();

    private Selection() {}

    private static DeflateEngine choose() {
      String property = System.getProperty(PROPERTY, "auto");
      DeflateEngine engine = named(property);
      if (engine instanceof ZlibEngine && libdeflate() instanceof String reason) {
        LOG.info("gzip deflates with the JDK's zlib: libdeflate is not available ({})", reason);
      } else {
        LOG.debug("gzip deflates with {}", engine.name()); // also in every dump_start event
      }
      return engine;
    }

    static synchronized Object libdeflate() {
      if (libdeflate == null) {
        libdeflate = load();
      }
      return libdeflate;
    }

    private static Object load() {
      if (Runtime.version().feature() < 22) {
        return "it needs Java 22 or newer, this is Java " + Runtime.version().feature();
      }
      try {
        return Class.forName(LIBDEFLATE_CLASS).getDeclaredConstructor().newInstance();
      } catch (InvocationTargetException e) {
        return String.valueOf(e.getCause().getMessage());
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        return e.toString();
      }
    }
  }
}
