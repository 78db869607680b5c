# Entry points. Every target that needs tools runs the bootstrap first; it skips what is present.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: bootstrap test demo build size package clean

bootstrap:
	@bash scripts/bootstrap.sh

## Every test tier (format, lints, native, browser, end to end); ends with "N passed, N failed".
test: bootstrap
	@bash scripts/test.sh

## The producer in a real page sending to a local Kinesis stand-in; Ctrl-C stops everything.
demo: bootstrap build
	@node scripts/demo.mjs

## Browser build of the package into pkg/ (wasm-pack, then wasm-opt from the binaryen npm package).
build: bootstrap
	@bash scripts/build.sh

## Prints the shipped size raw / gzip / brotli and fails above the budget.
size: build
	@node scripts/size.mjs

clean:
	rm -rf target pkg dist tests/artifacts

## The npm package: pkg/ plus pkg-config/ staged in dist/package/, packed to dist/kinesis-clickstream-<version>.tgz.
package: bootstrap
	@bash scripts/package.sh

## Credentials, signing and clock-skew tests only (Node + Chromium, against moto and the fault proxy).
.PHONY: test-auth
test-auth: bootstrap
	@bash scripts/build.sh --if-stale && node --test tests/e2e/auth-node.test.mjs tests/e2e/auth-browser.test.mjs
