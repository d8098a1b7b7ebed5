package io.dbbackup.runner.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

class CreateOnlyTest {
  static S3Exception error(int status, String code, String message) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
            .build();
  }

  static final S3Exception S3PROXY =
      error(501, "NotImplemented", "Conditional writes are not supported by this backend.");
  static final S3Exception AWS_STYLE =
      error(
          501,
          "NotImplemented",
          "A header you provided implies functionality that is not implemented");
  static final S3Exception SSE =
      error(501, "NotImplemented", "Server-side encryption is not supported.");
  static final S3Exception EXISTS =
      error(
          412,
          "PreconditionFailed",
          "At least one of the pre-conditions you specified did not hold");

  @Test
  void recognisesStoresThatRejectTheConditionItself() {
    assertThat(CreateOnly.rejectsConditions(S3PROXY)).isTrue();
    assertThat(CreateOnly.rejectsConditions(AWS_STYLE)).isTrue();
    assertThat(
            CreateOnly.rejectsConditions(
                error(400, "InvalidArgument", "Unsupported header If-None-Match")))
        .isTrue();
    assertThat(CreateOnly.rejectsConditions(SSE)).isFalse();
    assertThat(CreateOnly.rejectsConditions(EXISTS)).isFalse();
    assertThat(CreateOnly.rejectsConditions(error(403, "AccessDenied", "conditional"))).isFalse();
  }

  @Test
  void autoRetriesWithoutTheConditionAndThenStopsSendingIt() throws IOException {
    CreateOnly createOnly = new CreateOnly(ConditionalWrites.AUTO);
    List<Boolean> sent = new ArrayList<>();
    CreateOnly.Write<String> write =
        conditional -> {
          sent.add(conditional);
          if (conditional) {
            throw S3PROXY;
          }
          return "ok";
        };
    assertThat(createOnly.write("s3://b/k", write)).isEqualTo("ok");
    assertThat(createOnly.write("s3://b/k2", write)).isEqualTo("ok");
    assertThat(sent).containsExactly(true, false, false);
  }

  @Test
  void anExistingObjectIsNeverOverwrittenByTheFallback() {
    CreateOnly createOnly = new CreateOnly(ConditionalWrites.AUTO);
    List<Boolean> sent = new ArrayList<>();
    assertThatThrownBy(
            () ->
                createOnly.write(
                    "s3://b/k",
                    conditional -> {
                      sent.add(conditional);
                      throw EXISTS;
                    }))
        .isSameAs(EXISTS);
    assertThat(sent).containsExactly(true);
  }

  @Test
  void requiredRefusesAStoreWithoutConditionalWrites() {
    CreateOnly createOnly = new CreateOnly(ConditionalWrites.REQUIRED);
    assertThatThrownBy(
            () ->
                createOnly.write(
                    "s3://b/k",
                    conditional -> {
                      throw S3PROXY;
                    }))
        .isInstanceOf(S3StorageException.class)
        .hasMessage(
            "s3://b/k: the store does not support create-only writes (If-None-Match: *; it"
                + " answered HTTP 501 NotImplemented: Conditional writes are not supported by this"
                + " backend.): set spec.storage.s3.conditionalWrites to auto or off");
  }

  @Test
  void offNeverSendsTheCondition() throws IOException {
    List<Boolean> sent = new ArrayList<>();
    new CreateOnly(ConditionalWrites.OFF)
        .write(
            "s3://b/k",
            conditional -> {
              sent.add(conditional);
              return "ok";
            });
    assertThat(sent).containsExactly(false);
  }
}
