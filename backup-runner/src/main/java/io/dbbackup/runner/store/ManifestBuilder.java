package io.dbbackup.runner.store;

import io.dbbackup.runner.pipeline.DumpContent;
import java.time.Instant;
import java.util.List;

/** The fields of a {@link Manifest}, set one by one; {@link #build()} makes the record. */
public final class ManifestBuilder {
  private int formatVersion;
  private String id;
  private Manifest.Resource resource;
  private Instant startTime;
  private Instant endTime;
  private String serverVersion;
  private String pgDumpVersion;
  private List<Manifest.DatabaseInfo> databases;
  private String file;
  private long dumpBytes;
  private long storedBytes;
  private String sha256;
  private String plainSha256;
  private Manifest.Compression compression;
  private Manifest.Encryption encryption;
  private Manifest.Verification verification;
  private String auditChainHead;
  private DumpContent.Summary content;
  private Manifest.Incremental incremental;

  ManifestBuilder() {}

  public ManifestBuilder formatVersion(int v) {
    formatVersion = v;
    return this;
  }

  public ManifestBuilder id(String v) {
    id = v;
    return this;
  }

  public ManifestBuilder resource(Manifest.Resource v) {
    resource = v;
    return this;
  }

  public ManifestBuilder startTime(Instant v) {
    startTime = v;
    return this;
  }

  public ManifestBuilder endTime(Instant v) {
    endTime = v;
    return this;
  }

  public ManifestBuilder serverVersion(String v) {
    serverVersion = v;
    return this;
  }

  public ManifestBuilder pgDumpVersion(String v) {
    pgDumpVersion = v;
    return this;
  }

  public ManifestBuilder databases(List<Manifest.DatabaseInfo> v) {
    databases = v;
    return this;
  }

  public ManifestBuilder file(String v) {
    file = v;
    return this;
  }

  public ManifestBuilder dumpBytes(long v) {
    dumpBytes = v;
    return this;
  }

  public ManifestBuilder storedBytes(long v) {
    storedBytes = v;
    return this;
  }

  public ManifestBuilder sha256(String v) {
    sha256 = v;
    return this;
  }

  public ManifestBuilder plainSha256(String v) {
    plainSha256 = v;
    return this;
  }

  public ManifestBuilder compression(Manifest.Compression v) {
    compression = v;
    return this;
  }

  public ManifestBuilder encryption(Manifest.Encryption v) {
    encryption = v;
    return this;
  }

  public ManifestBuilder verification(Manifest.Verification v) {
    verification = v;
    return this;
  }

  public ManifestBuilder auditChainHead(String v) {
    auditChainHead = v;
    return this;
  }

  public ManifestBuilder content(DumpContent.Summary v) {
    content = v;
    return this;
  }

  public ManifestBuilder incremental(Manifest.Incremental v) {
    incremental = v;
    return this;
  }

  public Manifest build() {
    return new Manifest(
        formatVersion,
        id,
        resource,
        startTime,
        endTime,
        serverVersion,
        pgDumpVersion,
        databases,
        file,
        dumpBytes,
        storedBytes,
        sha256,
        plainSha256,
        compression,
        encryption,
        verification,
        auditChainHead,
        content,
        incremental);
  }
}
