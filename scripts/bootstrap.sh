#!/usr/bin/env bash
# Installs what building, testing and the demo need, skipping whatever is already present.
# Prints each thing it installed and how long that took. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
WASM_BINDGEN_VERSION=0.2.130
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
MOTO_SPEC='moto[server]==5.2.5'
installed=()

step() { # step NAME CHECK-COMMAND INSTALL-COMMAND
  local name=$1 check=$2 install=$3
  if bash -c "$check" >/dev/null 2>&1; then return 0; fi
  local start=$SECONDS
  echo "bootstrap: installing $name ..."
  bash -c "$install"
  bash -c "$check" >/dev/null 2>&1 || { echo "bootstrap: $name still missing after install" >&2; exit 1; }
  installed+=("$name ($((SECONDS - start)) s)")
}

# The pinned toolchain is the machine's stable one; link it under its version instead of downloading.
step "rust toolchain $TOOLCHAIN" \
  "cd / && rustup toolchain list | grep -q '^$TOOLCHAIN'" \
  "cd / && [ \"\$(rustc +stable --version | cut -d' ' -f2)\" = '$TOOLCHAIN' ] && rustup toolchain link '$TOOLCHAIN' \"\$(rustc +stable --print sysroot)\" || rustup toolchain install '$TOOLCHAIN' --profile minimal -c rustfmt -c clippy"
step "wasm32-unknown-unknown target" \
  "rustup target list --installed | grep -q wasm32-unknown-unknown" \
  "rustup target add wasm32-unknown-unknown"
# std's source, rebuilt into the release .wasm by scripts/build.sh (-Zbuild-std). The pinned toolchain may be a
# link to the machine's stable one, whose directory then receives the component.
step "rust-src component" \
  "test -d \"\$(rustc --print sysroot)/lib/rustlib/src/rust/library/std\"" \
  "rustup component add rust-src --toolchain '$TOOLCHAIN' || rustup component add rust-src --toolchain stable"
step "wasm-bindgen-cli $WASM_BINDGEN_VERSION" \
  "wasm-bindgen --version | grep -q ' $WASM_BINDGEN_VERSION'" \
  "cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION --force"
step "wasm-pack" \
  "command -v wasm-pack" \
  "cargo install wasm-pack --locked"
step "chromium + chromium-driver" \
  "test -x /usr/bin/chromium && test -x /usr/bin/chromedriver" \
  "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null"
# Keyed by the lockfile's content, not its mtime: a checkout or merge touches the file without changing it.
step "node dev dependencies (package-lock.json)" \
  "sha256sum < package-lock.json | cmp -s - node_modules/.installed-lock.sha256" \
  "if [ -L node_modules ]; then echo 'bootstrap: node_modules is a symlink shared with another checkout; not reinstalling through it' >&2; exit 1; fi; npm ci --no-audit --no-fund --loglevel=error && sha256sum < package-lock.json > node_modules/.installed-lock.sha256"
step "python moto[server] in .venv" \
  "test -x .venv/bin/moto_server && .venv/bin/python -c 'import moto, flask_cors'" \
  "python3 -m venv .venv && .venv/bin/pip install -q --disable-pip-version-check '$MOTO_SPEC'"

if [ ${#installed[@]} -eq 0 ]; then
  echo "bootstrap: everything already present"
else
  for item in "${installed[@]}"; do echo "bootstrap: installed $item"; done
fi
