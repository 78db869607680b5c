# Entry points. Every target that needs tools runs the bootstrap first; it skips what is present.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: bootstrap test demo build size package bench clean

bootstrap:
	@bash scripts/bootstrap.sh

## Every test tier (format, lints, native, browser, end to end); ends with "N passed, N failed".
test: bootstrap
	@bash scripts/test.sh

## The producer in a real page sending to a local Kinesis stand-in; Ctrl-C stops everything.
demo: bootstrap build
	@node scripts/demo.mjs

## Browser builds of the package into pkg/ and, without durable delivery, pkg-lite/ (wasm-pack, then wasm-opt
## from the binaryen npm package).
build: bootstrap
	@bash scripts/build.sh

## Prints the shipped sizes raw / gzip / brotli of both builds; fails when the lite build is over the budget.
size: build
	@node scripts/size.mjs

## Benchmarks against the AWS SDK, Amplify and aws4fetch (issue 9): writes bench/RESULTS.md and bench/chart.svg.
## Not part of `make test`; about 5-10 minutes. Builds pkg/ first when the build script exists (else "ours: not built").
bench: bootstrap
	@if [ -f scripts/build.sh ]; then bash scripts/build.sh --if-stale; fi
	@sha256sum < bench/package-lock.json | cmp -s - bench/node_modules/.installed-lock.sha256 || { npm ci --prefix bench --no-audit --no-fund --loglevel=error && sha256sum < bench/package-lock.json > bench/node_modules/.installed-lock.sha256; }
	@node bench/run.mjs $(BENCH_ARGS)

clean:
	rm -rf target pkg pkg-lite dist tests/artifacts

## The npm package: pkg/ (and pkg-lite/ under lite/) plus pkg-config/ staged in dist/package/, packed to dist/kinesis-clickstream-<version>.tgz.
package: bootstrap
	@bash scripts/package.sh

## Credentials, signing and clock-skew tests only (Node + Chromium, against moto and the fault proxy).
.PHONY: test-auth
test-auth: bootstrap
	@bash scripts/build.sh --if-stale && node --test tests/e2e/auth-node.test.mjs tests/e2e/auth-browser.test.mjs

## Every cargo-fuzz target for FUZZ_SECONDS (default 600) each; installs cargo-fuzz when missing.
.PHONY: fuzz
fuzz:
	@bash scripts/fuzz.sh

## Every reliability scenario at 100,000 events from Node and Chromium, plus the 1,000,000-put memory
## bound; writes RELIABILITY.md (SOAK_EVENTS, SOAK_RUNTIMES, SOAK_SCENARIOS override).
.PHONY: soak
soak: bootstrap build
	@node tests/reliability/run.mjs --events $${SOAK_EVENTS:-100000} --runtimes $${SOAK_RUNTIMES:-node,chromium} \
	  $${SOAK_SCENARIOS:+--scenarios $$SOAK_SCENARIOS} --memory-events $${SOAK_MEMORY_EVENTS:-1000000} --out RELIABILITY.md
