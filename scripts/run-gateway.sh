#!/usr/bin/env bash
# One command from a fresh clone to a running gateway: installs system packages, builds in
# release mode, creates a dev data directory (printing the bootstrap admin key once), serves.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
swift build -c release

data_dir="${MEMOS_DATA_DIR:-.dev-data}"
if [ ! -f "$data_dir/master.key" ]; then
  echo "Initialising $data_dir. Keep this admin key: it is shown only now." >&2
  .build/release/memos-admin init --data-dir "$data_dir"
fi
exec .build/release/memos-gateway --data-dir "$data_dir" \
  --host "${MEMOS_HOST:-127.0.0.1}" --port "${MEMOS_PORT:-8080}" --policy-dir "${MEMOS_POLICY_DIR:-policies}"
