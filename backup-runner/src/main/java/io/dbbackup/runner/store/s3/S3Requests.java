package io.dbbackup.runner.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The store's read, list and delete requests to its bucket, with the SDK's exceptions turned into
 * {@link IOException}s; writes go through {@link UploadRequests}.
 */
final class S3Requests implements AutoCloseable {
  private final S3Client client;
  private final S3Settings settings;
  private final S3Errors errors;

  S3Requests(S3Client client, S3Settings settings, S3Errors errors) {
    this.client = client;
    this.settings = settings;
    this.errors = errors;
  }

  S3Settings settings() {
    return settings;
  }

  S3Errors errors() {
    return errors;
  }

  String url(String key) {
    return "s3://" + settings.bucket() + "/" + key;
  }

  boolean exists(String key) throws IOException {
    try {
      client.headObject(b -> b.bucket(settings.bucket()).key(key));
      return true;
    } catch (SdkException e) {
      IOException io = errors.translate("looking up", key, e);
      if (io instanceof java.nio.file.NoSuchFileException) {
        return false;
      }
      throw io;
    }
  }

  /** The object's stored size, or empty when there is none. */
  OptionalLong size(String key) throws IOException {
    try {
      return OptionalLong.of(
          client.headObject(b -> b.bucket(settings.bucket()).key(key)).contentLength());
    } catch (SdkException e) {
      IOException io = errors.translate("looking up", key, e);
      if (io instanceof java.nio.file.NoSuchFileException) {
        return OptionalLong.empty();
      }
      throw io;
    }
  }

  InputStream get(String key) throws IOException {
    return new S3ObjectStream(
        call("reading", key, () -> client.getObject(b -> b.bucket(settings.bucket()).key(key))),
        key,
        errors);
  }

  void delete(String key) throws IOException {
    call("deleting", key, () -> client.deleteObject(b -> b.bucket(settings.bucket()).key(key)));
  }

  /** The common prefixes one level below {@code prefix}, every page. */
  List<String> listFolders(String prefix) throws IOException {
    return call(
        "listing",
        prefix,
        () -> {
          List<String> folders = new ArrayList<>();
          for (CommonPrefix p :
              client
                  .listObjectsV2Paginator(
                      b -> b.bucket(settings.bucket()).prefix(prefix).delimiter("/"))
                  .commonPrefixes()) {
            folders.add(p.prefix());
          }
          return folders;
        });
  }

  /** Every key under {@code prefix}, every page. */
  List<String> listKeys(String prefix) throws IOException {
    return call(
        "listing",
        prefix,
        () -> {
          List<String> keys = new ArrayList<>();
          for (S3Object o :
              client
                  .listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix))
                  .contents()) {
            keys.add(o.key());
          }
          return keys;
        });
  }

  /**
   * Every object under {@code prefix}, one page of at most {@code pageSize} keys at a time: a page
   * is handed to {@code each} and dropped before the next is asked for, so memory stays bounded
   * however many objects there are. A page that fails (after the SDK's retries) throws; the objects
   * of earlier pages have been handed over by then, so a caller must not take what it saw for the
   * whole listing.
   */
  void listEach(String prefix, int pageSize, Consumer<S3Object> each) throws IOException {
    try {
      for (ListObjectsV2Response page :
          client.listObjectsV2Paginator(
              b -> b.bucket(settings.bucket()).prefix(prefix).maxKeys(pageSize))) {
        page.contents().forEach(each);
      }
    } catch (SdkException e) {
      throw errors.translate("listing", prefix, e);
    }
  }

  /** The open multipart uploads under {@code prefix}, every page. */
  List<MultipartUpload> listUploads(String prefix) throws IOException {
    return call(
        "listing the uploads under",
        prefix,
        () -> {
          List<MultipartUpload> uploads = new ArrayList<>();
          for (MultipartUpload u :
              client
                  .listMultipartUploadsPaginator(b -> b.bucket(settings.bucket()).prefix(prefix))
                  .uploads()) {
            uploads.add(u);
          }
          return uploads;
        });
  }

  @Override
  public void close() {
    client.close();
  }

  /** A request whose SDK errors become IOExceptions. */
  private <T> T call(String action, String key, java.util.function.Supplier<T> request)
      throws IOException {
    try {
      return request.get();
    } catch (SdkException e) {
      throw errors.translate(action, key, e);
    }
  }
}
