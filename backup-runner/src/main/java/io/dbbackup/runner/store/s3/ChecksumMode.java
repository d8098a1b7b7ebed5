package io.dbbackup.runner.store.s3;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;

/** When the SDK sends and checks CRC32 checksums (spec.storage.s3.checksumMode). */
public enum ChecksumMode {
  /** On every upload and download; parts carry their CRC32. */
  WHEN_SUPPORTED(
      "when_supported",
      RequestChecksumCalculation.WHEN_SUPPORTED,
      ResponseChecksumValidation.WHEN_SUPPORTED),
  /** Only where the API demands one, for stores that reject the newer checksum headers. */
  WHEN_REQUIRED(
      "when_required",
      RequestChecksumCalculation.WHEN_REQUIRED,
      ResponseChecksumValidation.WHEN_REQUIRED);

  private final String value;
  final RequestChecksumCalculation requests;
  final ResponseChecksumValidation responses;

  ChecksumMode(
      String value, RequestChecksumCalculation requests, ResponseChecksumValidation responses) {
    this.value = value;
    this.requests = requests;
    this.responses = responses;
  }

  /** The mode as the resource spells it; absent: when_supported. */
  static ChecksumMode parse(String value) {
    if (value == null || value.isBlank()) {
      return WHEN_SUPPORTED;
    }
    for (ChecksumMode m : values()) {
      if (m.value.equals(value.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "spec.storage.s3.checksumMode: expected when_supported or when_required, got \""
            + value
            + "\"");
  }
}
