package io.dbbackup.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The S3 XML error responses {@link FaultProxy} answers in the store's place: the bytes of a whole
 * response that closes the connection, and the S3 error code it gives an injected HTTP status.
 */
final class S3ErrorResponse {
  private S3ErrorResponse() {}

  /** The S3 error code an injected {@code status} answers: 500 InternalError, 503 SlowDown. */
  static String codeFor(int status) {
    return switch (status) {
      case 500 -> "InternalError";
      case 503 -> "SlowDown";
      case 403 -> "AccessDenied";
      case 404 -> "NoSuchKey";
      default -> "ServiceUnavailable";
    };
  }

  /** An S3 XML error response that closes the connection (without a body to a HEAD request). */
  static byte[] of(
      String requestMethod,
      int status,
      String reason,
      String errorCode,
      String message,
      String requestId) {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
            + errorCode
            + "</Code><Message>"
            + message
            + "</Message><RequestId>"
            + requestId
            + "</RequestId></Error>";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = requestMethod.equalsIgnoreCase("HEAD");
    String response =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: application/xml\r\nContent-Length: "
            + (head ? 0 : bytes.length)
            + "\r\nx-amz-request-id: "
            + requestId
            + "\r\nConnection: close\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(response.getBytes(StandardCharsets.US_ASCII));
    if (!head) {
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
