# dbbackup-operator images, two targets from one build:
#
#   docker build --target controller -t dbbackup/backup-controller:0.1.0 .
#   docker build --target runner     -t dbbackup/backup-runner:0.1.0 .
#
# (`make image` builds both.) Both run as the fixed non-root UID/GID 65532, the one the controller
# gives the runner's CronJob pods and the Helm chart gives the controller, and both work with a
# read-only root file system: the only writable place they need is /tmp, an emptyDir in the pods.
#
# Base images are pinned to exact versions (tag), not to digests: no registry could be reached
# from where this file was written to resolve a digest. Add one where Docker exists, e.g.
#   docker buildx imagetools inspect postgres:18.6-trixie --format '{{.Manifest.Digest}}'
# and pass it in: --build-arg PG_IMAGE=postgres:18.6-trixie@sha256:<digest> (same for the others).
ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-25
ARG JRE_IMAGE=eclipse-temurin:25.0.3_9-jre-noble
# The runner's base: the official PostgreSQL image of the newest major version, for its client
# (pg_dumpall N dumps servers of version N and older, so one image backs up every supported server)
# and its server binaries (initdb, postgres, the client's major) that verification by restore
# (verification.mode: restore) starts in the pod's scratch emptyDir (/var/lib/dbbackup-scratch).
# Bump it with each PostgreSQL major release.
ARG PG_IMAGE=postgres:18.6-trixie

# ---------------------------------------------------------------------------------------------
# build: the repository's own Maven build, nothing downloaded but Maven Central artifacts.
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY backup-api backup-api
COPY backup-test-support backup-test-support
COPY backup-runner backup-runner
COPY backup-controller backup-controller
# Tests run in CI (`make test`), not in the image build; the formatter check too. The cache mount
# keeps downloaded Maven Central artifacts between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -pl backup-test-support,backup-runner,backup-controller -am package \
        -Dmaven.test.skip=true -Dspotless.check.skip=true \
 && test -s backup-runner/target/backup-runner.jar \
 && test -s backup-controller/target/backup-controller.jar \
 && mvn -B -ntp -q -pl backup-test-support dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=/src/aot-s3-server \
 && cp backup-test-support/target/backup-test-support-*.jar /src/aot-s3-server/

# A JRE to copy into the PostgreSQL image (Adoptium's documented way to put Temurin on another
# base image; Temurin's Linux binaries need only glibc).
FROM ${JRE_IMAGE} AS jre

# ---------------------------------------------------------------------------------------------
# runner: `backup-runner <command> ...`; the controller's CronJob passes the arguments.
FROM ${PG_IMAGE} AS runner
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH=/opt/java/openjdk/bin:$PATH \
    HOME=/tmp \
    LANG=C.UTF-8
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
# initdb and postgres refuse to run for a UID without a passwd entry, so 65532 gets one.
RUN groupadd --gid 65532 dbbackup \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /tmp \
        --shell /usr/sbin/nologin dbbackup
# libdeflate: the runner's gzip engine (about twice zlib's speed); without it the runner falls back
# to the JDK's zlib.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libdeflate0 tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/backup-runner/target/backup-runner.jar /opt/dbbackup/backup-runner.jar
COPY docker/runner-jvm.args /opt/dbbackup/runner-jvm.args
COPY docker/runner-aot.sh docker/training-public-key.asc /opt/dbbackup/aot-training/
# The ahead-of-time cache (JDK 25), made once here: training backups of a throwaway PostgreSQL
# cluster, to a volume (gzip) and to a bucket (zstd), both with OpenPGP, verification and history,
# record the classes and method profiles of a nightly run; every backup then maps the cache
# read-only (faster start and warm-up). The bucket is on the tests' embedded S3-compatible server,
# mounted from the build stage for this step only: nothing of it stays in the image.
RUN --mount=type=bind,from=build,source=/src/aot-s3-server,target=/tmp/aot-s3-server \
    AOT_S3_SERVER_CLASSPATH='/tmp/aot-s3-server/*' \
    sh /opt/dbbackup/aot-training/runner-aot.sh /opt/java/openjdk/bin/java \
        /opt/dbbackup/backup-runner.jar /opt/dbbackup/runner-jvm.args /opt/dbbackup/backup-runner.aot \
 && rm -rf /opt/dbbackup/aot-training
USER 65532:65532
WORKDIR /tmp
STOPSIGNAL SIGTERM
# tini as PID 1: it forwards SIGTERM to the JVM (whose shutdown hook stops the run cleanly) and
# reaps the processes pg_dumpall leaves when it is killed.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/java/openjdk/bin/java", "@/opt/dbbackup/runner-jvm.args", "-XX:AOTCache=/opt/dbbackup/backup-runner.aot", "-jar", "/opt/dbbackup/backup-runner.jar"]
CMD ["--help"]

# ---------------------------------------------------------------------------------------------
# controller: the operator (main io.dbbackup.controller.ControllerMain), /metrics /healthz /readyz
# on 8080. The last stage, so a plain `docker build .` builds it.
FROM ${JRE_IMAGE} AS controller
RUN groupadd --gid 65532 dbbackup \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /tmp \
        --shell /usr/sbin/nologin dbbackup
COPY --from=build /src/backup-controller/target/backup-controller.jar /opt/dbbackup/backup-controller.jar
ENV HOME=/tmp
USER 65532:65532
WORKDIR /tmp
EXPOSE 8080
ENTRYPOINT ["/opt/java/openjdk/bin/java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-Xss512k", "-jar", "/opt/dbbackup/backup-controller.jar"]
