#!/usr/bin/env bash
# Installs every prerequisite of the build, the tests and the demo. Safe to run again: it skips what is there.
# Usage: setup.sh [all|base|browser]. base: what the build, unit and integration tests need; browser: Chromium and
# code-server, which only the end-to-end tests and the demo need (npm test installs them while the other layers run).
set -euo pipefail
cd "$(dirname "$0")/.."
PART="${1:-all}"
case "$PART" in all | base | browser) ;; *) echo "setup: unknown part '$PART'; use all, base or browser." >&2; exit 2 ;; esac

CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall would download rg from GitHub.
RIPGREP_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
APT_UPDATED="${TMPDIR:-/tmp}/ctrl-world-flexiv-apt-updated"
RIPGREP_ARCHIVE="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
BASE_PACKAGES=(
  python3-h5py python3-numpy python3-pil python3-hdf5plugin   # HDF5 fixtures and the demo dataset
  hdf5-filter-plugin-blosc-serial hdf5-filter-plugin bitshuffle # Blosc, LZ4, BZip2, Bitshuffle filters for h5py
  openssh-server openssh-client rsync                          # the stand-in GPU host
  slurm-wlm munge                                              # the tests' own single-machine SLURM cluster
  ffmpeg                                                       # sample videos
  python3-skimage                                              # reference PSNR/SSIM for the quality tests
  python3-torch                                                # the multi-node test's real gloo all-reduce
  unzip procps
)
BROWSER_PACKAGES=(
  chromium                                                     # end-to-end tests
  libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep # code-server's native modules
)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: '$*' needs root; run it as root or install sudo." >&2; exit 1
  fi
}

install_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    # The package lists are fetched once an hour at most: npm test installs the browser part minutes after the base.
    if [ -z "$(find "$APT_UPDATED" -mmin -60 2>/dev/null)" ]; then
      as_root apt-get update -qq
      touch "$APT_UPDATED"
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund
  fi
}

code_server=.tools/code-server/node_modules/code-server
code_server_ready() {
  [ -f "$code_server/out/node/entry.js" ] && [ -d "$code_server/lib/vscode/node_modules/node-pty" ] \
    && [ "$(node -p "require('./$code_server/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]
}
install_code_server() {
  code_server_ready && return 0
  echo "setup: installing code-server $CODE_SERVER_VERSION (a few minutes)"
  mkdir -p "$RIPGREP_CACHE"
  if [ ! -s "$RIPGREP_CACHE/$RIPGREP_ARCHIVE" ]; then
    staging=$(mktemp -d)
    cp "$(command -v rg)" "$staging/rg"
    tar -C "$staging" -czf "$RIPGREP_CACHE/$RIPGREP_ARCHIVE" rg
    rm -rf "$staging"
  fi
  rm -rf .tools/code-server
  mkdir -p .tools/code-server
  echo '{ "private": true }' > .tools/code-server/package.json
  # unsafe-perm: code-server's postinstall refuses to run as root without it; yes: node-pty's postinstall uses npx.
  (cd .tools/code-server && npm_config_unsafe_perm=true npm_config_yes=true \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
}
if [ "$PART" != browser ]; then
  install_packages "${BASE_PACKAGES[@]}"
  install_node_modules
fi
if [ "$PART" != base ]; then
  install_packages "${BROWSER_PACKAGES[@]}"
  install_code_server
fi
echo "setup: prerequisites ($PART) are in place"
