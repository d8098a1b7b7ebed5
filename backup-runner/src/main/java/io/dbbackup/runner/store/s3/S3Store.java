package io.dbbackup.runner.store.s3;

import io.dbbackup.api.v1alpha1.S3StorageSpec;
import io.dbbackup.runner.config.BackupConfig;
import io.dbbackup.runner.store.BackupId;
import io.dbbackup.runner.store.BackupStore;
import io.dbbackup.runner.store.ChunkStore;
import io.dbbackup.runner.store.Manifest;
import io.dbbackup.runner.store.StoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * An S3 bucket (AWS or S3-compatible): {@code <prefix>/<namespace>/<name>/<id>/<file>}, runner
 * state under {@code .state/}. Files are streamed in as multipart uploads of bounded memory and
 * become visible only on commit, create-only; the manifest is deleted first when a backup is. The
 * chunks of incremental backups are under {@code chunks/} ({@link S3ChunkStore}).
 */
public final class S3Store implements BackupStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final S3Requests requests;
  private final UploadRequests uploads;
  private final S3Keys keys;
  private final S3ChunkStore chunks;
  private volatile PartSizer sizer;

  S3Store(S3Client client, S3Settings settings, String namespace, String name) {
    S3Errors errors = new S3Errors(settings);
    this.requests = new S3Requests(client, settings, errors);
    this.uploads = new UploadRequests(client, settings, errors);
    this.keys = S3Keys.of(settings.bucket(), settings.prefix(), namespace, name);
    this.sizer = settings.partSizer();
    this.chunks = new S3ChunkStore(requests, uploads, keys);
  }

  /** The store spec.storage.s3 describes, with credentials from the mounted Secret or the chain. */
  public static S3Store open(BackupConfig config) {
    S3StorageSpec spec = config.spec().getStorage().getS3();
    S3Settings settings = S3Settings.of(spec, S3Credentials.describe(spec));
    S3Client client = S3Clients.create(settings, S3Credentials.resolve(spec, config.secrets()));
    return new S3Store(client, settings, config.namespace(), config.name());
  }

  @Override
  public String location(BackupId id) {
    return keys.url(keys.root() + "/" + id.value());
  }

  /**
   * Writes and deletes a probe under {@code .state/}: the credentials, the bucket and the right to
   * write are real. Then aborts the multipart uploads of earlier runs that died before they could
   * (called under the run lock, so no other run of this resource is uploading).
   */
  @Override
  public void checkWritable() throws IOException {
    byte[] suffix = new byte[4];
    RANDOM.nextBytes(suffix);
    String probe = keys.state(".write-test-" + HexFormat.of().formatHex(suffix));
    uploads.putReplacing(probe, new byte[0]);
    requests.delete(probe);
    abortUploads(keys.rootPrefix(), "abandoned by an earlier run");
  }

  /**
   * Fixes the part size of this run's uploads: every part of an upload but the last has the same
   * size (stores such as Cloudflare R2 require it), so it must hold {@code storedBytes} in maxParts
   * parts from the start. partSizeMiB, or larger when that does not.
   */
  @Override
  public void expectAtMost(long storedBytes) {
    PartSizer configured = uploads.settings().partSizer();
    sizer = configured.forAtMost(storedBytes);
    if (sizer.partSize() != configured.partSize()) {
      LOG.atInfo()
          .addKeyValue("event", "part_size_raised")
          .addKeyValue("part_bytes", sizer.partSize())
          .addKeyValue("configured_part_bytes", configured.partSize())
          .addKeyValue("max_parts", sizer.maxParts())
          .addKeyValue("expected_at_most_bytes", storedBytes)
          .log("parts of spec.storage.s3.partSizeMiB would not hold the backup in maxParts parts");
    }
  }

  /** The part size of this run's uploads (partSizeMiB unless {@link #expectAtMost} raised it). */
  PartSizer partSizer() {
    return sizer;
  }

  /** Parts too large for the upload memory wait in scratch files while they are sent. */
  @Override
  public Optional<Scratch> scratchFor(long storedBytes) {
    return uploads.settings().scratchFor(sizer.partSize());
  }

  /** A bucket does not tell its free space. */
  @Override
  public OptionalLong usableSpace() {
    return OptionalLong.empty();
  }

  @Override
  public StoreWriter create(BackupId id, String fileName) throws IOException {
    String key = keys.key(id, fileName);
    if (requests.exists(key)) {
      throw new FileAlreadyExistsException(keys.url(key));
    }
    return new StreamingUpload(uploads, key, contentType(fileName), sizer);
  }

  @Override
  public InputStream open(BackupId id, String fileName) throws IOException {
    return requests.get(keys.key(id, fileName));
  }

  @Override
  public boolean exists(BackupId id, String fileName) throws IOException {
    return requests.exists(keys.key(id, fileName));
  }

  @Override
  public List<BackupId> listIds() throws IOException {
    List<BackupId> ids = new ArrayList<>();
    for (String folder : requests.listFolders(keys.rootPrefix())) {
      keys.idOf(folder).ifPresent(ids::add);
    }
    Collections.sort(ids);
    return ids;
  }

  @Override
  public void delete(BackupId id, String fileName) throws IOException {
    requests.delete(keys.key(id, fileName));
  }

  /** The manifest first (if that fails, nothing else is touched), then the rest, then uploads. */
  @Override
  public void deleteBackup(BackupId id) throws IOException {
    requests.delete(keys.key(id, Manifest.FILE_NAME));
    for (String key : requests.listKeys(keys.folder(id))) {
      requests.delete(key);
    }
    abortUploads(keys.folder(id), "of a deleted backup");
  }

  @Override
  public void putState(String name, byte[] content) throws IOException {
    uploads.putReplacing(keys.state(name), content);
  }

  @Override
  public List<String> listState() throws IOException {
    List<String> names = new ArrayList<>();
    for (String key : requests.listKeys(keys.stateFolder())) {
      String name = key.substring(keys.stateFolder().length());
      if (!name.isEmpty() && !name.contains("/") && !name.startsWith(".write-test-")) {
        names.add(name);
      }
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public byte[] readState(String name) throws IOException {
    try (InputStream in = requests.get(keys.state(name))) {
      return in.readAllBytes();
    }
  }

  @Override
  public void deleteState(String name) throws IOException {
    requests.delete(keys.state(name));
  }

  /** The chunks of this resource's incremental backups, under {@code <resource>/chunks/}. */
  @Override
  public ChunkStore chunks() {
    return chunks;
  }

  @Override
  public void close() {
    uploads.close();
    requests.close();
  }

  @Override
  public void stop() {
    uploads.stop();
  }

  /** Aborts every open multipart upload under {@code prefix}; failures only logged. */
  private void abortUploads(String prefix, String why) {
    List<MultipartUpload> open;
    try {
      open = requests.listUploads(prefix);
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("event", "uploads_unlisted")
          .addKeyValue("prefix", prefix)
          .addKeyValue("error", e.getMessage())
          .log("could not list open multipart uploads; unfinished ones stay until a later run");
      return;
    }
    long deadline = System.nanoTime() + requests.settings().cleanupPatience().toNanos();
    for (MultipartUpload u : open) {
      LOG.atInfo()
          .addKeyValue("event", "upload_abandoned")
          .addKeyValue("key", u.key())
          .addKeyValue("initiated", u.initiated())
          .log("aborting a multipart upload " + why);
      uploads.abortUpload(u.key(), u.uploadId(), deadline);
    }
  }

  private static String contentType(String fileName) {
    if (fileName.endsWith(".json")) {
      return "application/json";
    }
    if (fileName.endsWith(".sha256")) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }
}
