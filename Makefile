# dbbackup-operator. Two commands for a fresh machine: `make demo` and `make test`.
MVN ?= scripts/mvn
MVN_FLAGS ?= -B -ntp
RUNNER_JAR := backup-runner/target/backup-runner.jar

.PHONY: all build test unit demo bench crds fmt clean deps image chart-lint e2e

all: build

deps:
	@scripts/ensure-deps.sh

## build: compile, check formatting, package the runner and controller (no tests)
build: deps
	$(MVN) $(MVN_FLAGS) install -DskipTests

## test: every test: unit tests, then integration tests against real PostgreSQL and stock tools
test: deps
	$(MVN) $(MVN_FLAGS) install

## unit: unit tests only (fast)
unit:
	$(MVN) $(MVN_FLAGS) install -DskipITs

## demo: a throwaway PostgreSQL with sample data, a real backup into ./demo-backups
demo: build
	scripts/demo.sh

## bench: the runner against the shell pipelines it replaces, on >= 1 GB of data
bench: build
	scripts/bench.sh

## crds: regenerate crds/ from the model (the build fails while crds/ is stale)
crds:
	$(MVN) $(MVN_FLAGS) -pl backup-api -am install -DskipTests
	cp backup-api/target/classes/META-INF/fabric8/*-v1.yml crds/

## fmt: apply the formatter (the build only checks it)
fmt:
	$(MVN) $(MVN_FLAGS) spotless:apply

clean:
	$(MVN) $(MVN_FLAGS) clean
	rm -rf demo-backups
