#!/usr/bin/env sh
# Builds a k6 binary with extensions, for users who want them (e.g. xk6-sql, xk6-kafka).
#
# NOT used by devenv or CI: the default profiles need only the stock k6 that the toolchain
# resolves (versions.yaml `k6`). xk6 compiles k6 from source, which this project never does
# itself (k6 is AGPL; devenv runs only the unmodified release binary). Run it yourself, by hand:
#
#   loadtest/xk6/build.sh github.com/grafana/xk6-sql@v1.0.5 [more modules…]
#   devenv's profiles then run with:  ./k6-custom run loadtest/profiles/smoke.js
#
# Needs Go ≥ 1.24 and access to the Go module proxy. The k6 version comes from versions.yaml.
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: $0 MODULE[@VERSION] [MODULE[@VERSION]…]" >&2
  exit 2
fi
if [ -n "${CI:-}" ]; then
  echo "$0: refusing to run in CI (builds k6 from source; see the header of this script)" >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
k6_version=$(sed -n 's/^  k6: \([0-9][0-9.]*\).*/\1/p' "$root/versions.yaml")
out=${XK6_OUTPUT:-$root/k6-custom}

# xk6 itself, pinned, into a private GOBIN (not the user's PATH).
gobin="$root/.devenv/tools/xk6/bin"
GOBIN="$gobin" go install go.k6.io/xk6/cmd/xk6@v1.1.0

args=""
for module in "$@"; do args="$args --with $module"; done
# shellcheck disable=SC2086 # word splitting of $args is intended
"$gobin/xk6" build "v$k6_version" --output "$out" $args
echo "built $out (k6 v$k6_version with: $*)"
