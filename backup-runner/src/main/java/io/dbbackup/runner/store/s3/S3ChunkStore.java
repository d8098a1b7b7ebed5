package io.dbbackup.runner.store.s3;

import io.dbbackup.runner.store.ChunkStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunks of one resource in its bucket: {@code <prefix>/<namespace>/<name>/chunks/<2 hex>/<64
 * hex>.<ext>[.gpg]}, each one object written by a single PutObject (chunks are small: about 1 MiB).
 *
 * <p>{@link #put} looks the key up first (HeadObject: a chunk already stored costs one cheap
 * request and no upload), then writes it create-only with {@code If-None-Match: *} where the store
 * takes it ({@link CreateOnly}; without it the lookup and the run lock keep the write from
 * replacing anything). {@link #list} walks ListObjectsV2 page by page ({@value #PAGE_SIZE} keys a
 * page), so memory stays bounded however many chunks there are, and throws when any page fails: a
 * caller that deletes what a listing does not show must never see a short listing as a whole one.
 * SDK errors become the store's IOExceptions (exit 6) naming the bucket and key.
 */
final class S3ChunkStore implements ChunkStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ChunkStore.class);

  /** Keys per ListObjectsV2 page: S3's maximum. */
  static final int PAGE_SIZE = 1000;

  static final String CONTENT_TYPE = "application/octet-stream";

  private final S3Requests requests;
  private final UploadRequests uploads;
  private final S3Keys keys;
  private final int pageSize;

  S3ChunkStore(S3Requests requests, UploadRequests uploads, S3Keys keys) {
    this(requests, uploads, keys, PAGE_SIZE);
  }

  private S3ChunkStore(S3Requests requests, UploadRequests uploads, S3Keys keys, int pageSize) {
    if (pageSize < 1 || pageSize > PAGE_SIZE) {
      throw new IllegalArgumentException(
          "list page size " + pageSize + ": expected 1 to " + PAGE_SIZE);
    }
    this.requests = requests;
    this.uploads = uploads;
    this.keys = keys;
    this.pageSize = pageSize;
  }

  /** The same store listing {@code size} keys a page (tests: many pages from few chunks). */
  S3ChunkStore listingInPagesOf(int size) {
    return new S3ChunkStore(requests, uploads, keys, size);
  }

  @Override
  public OptionalLong size(String file) throws IOException {
    return requests.size(keys.chunk(file));
  }

  @Override
  public boolean put(String file, byte[] content, int len) throws IOException {
    String key = keys.chunk(file);
    if (requests.exists(key)) {
      return false;
    }
    return uploads.putIfAbsent(key, content, len, CONTENT_TYPE);
  }

  @Override
  public InputStream open(String file) throws IOException {
    return requests.get(keys.chunk(file));
  }

  @Override
  public void list(Consumer<StoredChunk> each) throws IOException {
    String folder = keys.chunksFolder();
    String root = keys.rootPrefix();
    AtomicLong foreign = new AtomicLong();
    AtomicReference<String> example = new AtomicReference<>();
    requests.listEach(
        folder,
        pageSize,
        o -> {
          String file = o.key().startsWith(root) ? o.key().substring(root.length()) : o.key();
          if (FILE.matcher(file).matches()) {
            each.accept(new StoredChunk(file, o.size() == null ? 0 : o.size()));
          } else {
            foreign.incrementAndGet();
            example.compareAndSet(null, o.key());
          }
        });
    if (foreign.get() > 0) {
      LOG.atWarn()
          .addKeyValue("event", "chunk_folder_foreign_keys")
          .addKeyValue("count", foreign.get())
          .addKeyValue(
              "example",
              keys.url(
                  example
                      .get()
                      .substring(0, Math.min(example.get().length(), 300))
                      .replaceAll("\\p{Cntrl}", "?")))
          .log("keys under the chunk folder that are not chunks were skipped (and are kept)");
    }
  }

  @Override
  public void delete(String file) throws IOException {
    requests.delete(keys.chunk(file));
  }
}
