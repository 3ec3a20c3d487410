#!/usr/bin/env bash
# One command from a fresh clone to every test run: installs system packages, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
swift build --build-tests
swift test --skip-build
