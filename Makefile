# dbbackup-operator. Two commands for a fresh machine: `make demo` and `make test`.
MVN ?= scripts/mvn
MVN_FLAGS ?= -B -ntp
RUNNER_JAR := backup-runner/target/backup-runner.jar

.PHONY: all build test unit demo bench crds chart-crds fmt clean deps image chart-lint e2e

all: build

deps:
	@scripts/ensure-deps.sh
	@scripts/ensure-promtool.sh

## build: compile, check formatting, package the runner and controller (no tests)
build: deps
	$(MVN) $(MVN_FLAGS) install -DskipTests

## test: every test: unit tests, then integration tests against real PostgreSQL and stock tools
test: deps
	$(MVN) $(MVN_FLAGS) install

## unit: unit tests only (fast)
unit:
	$(MVN) $(MVN_FLAGS) install -DskipITs

## demo: a throwaway PostgreSQL with sample data, a real backup into ./demo-backups with
## examples/local; both servers stay up for the printed restore commands (scripts/demo.sh stop)
demo: build
	scripts/demo.sh

## bench: the runner against the shell pipelines it replaces, on >= 1 GB of data, then the
## controller's cold start over 1,000 DatabaseBackups (BENCH_CONTROLLER=0 skips it)
BENCH_CONTROLLER ?= 1
bench: build
	scripts/bench.sh
	@if [ "$(BENCH_CONTROLLER)" != 0 ]; then HEAP=256m scripts/bench-controller.sh; fi

## crds: regenerate crds/ from the model (the build fails while crds/ is stale), and the chart's copies
crds:
	$(MVN) $(MVN_FLAGS) -pl backup-api -am install -DskipTests
	cp backup-api/target/classes/META-INF/fabric8/*-v1.yml crds/
	$(MAKE) chart-crds

## chart-crds: copy crds/ into the Helm chart (a test fails while they differ)
chart-crds:
	rm -f charts/dbbackup-operator/crds/*.yml
	cp crds/*-v1.yml charts/dbbackup-operator/crds/

## chart-lint: the chart through the real Helm engine (lint, render, RBAC, pod security, schema,
## CRDs, alerts) and the Dockerfile's promises; builds the jars it checks, runs no other test
chart-lint:
	@scripts/ensure-promtool.sh
	$(MVN) $(MVN_FLAGS) -pl deploy-tests -am verify -DskipITs \
	  -Dtest='io/dbbackup/deploy/**/*Test' -Dsurefire.failIfNoSpecifiedTests=false

## image: the controller and runner images (Dockerfile targets); needs a Docker engine
DOCKER ?= docker
IMAGE_REPO ?= dbbackup
IMAGE_TAG ?= 0.1.0
image:
	@command -v $(DOCKER) >/dev/null 2>&1 || { echo "make image: no '$(DOCKER)' command here; install Docker (or set DOCKER=...) to build the images" >&2; exit 1; }
	@$(DOCKER) info >/dev/null 2>&1 || { echo "make image: no Docker engine reachable ('$(DOCKER) info' fails), so the images cannot be built on this machine; run it where Docker runs" >&2; exit 1; }
	DOCKER_BUILDKIT=1 $(DOCKER) build --target controller -t $(IMAGE_REPO)/backup-controller:$(IMAGE_TAG) .
	DOCKER_BUILDKIT=1 $(DOCKER) build --target runner -t $(IMAGE_REPO)/backup-runner:$(IMAGE_TAG) .

## e2e: the k3s end-to-end suite (backup-controller K3sEndToEndIT); skipped with a message without
## Docker. With images: make e2e E2E_FLAGS='-Ddbbackup.e2e.controllerImage=... -Ddbbackup.e2e.runnerImage=...'
E2E_FLAGS ?=
e2e:
	@$(DOCKER) info >/dev/null 2>&1 || echo "make e2e: no Docker engine reachable: the k3s suite will report itself skipped"
	$(MVN) $(MVN_FLAGS) -pl backup-controller -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test=K3sEndToEndIT -Dfailsafe.failIfNoSpecifiedTests=false $(E2E_FLAGS)

## fmt: apply the formatter (the build only checks it)
fmt:
	$(MVN) $(MVN_FLAGS) spotless:apply

clean:
	$(MVN) $(MVN_FLAGS) clean
	rm -rf demo-backups
