#!/usr/bin/env bash
# Static checks of the production stack (docker-compose.yml, Dockerfile, .dockerignore,
# .env.example) for machines without a Docker engine. The checker in scripts/check-compose/
# is built once from the Go module proxy with compose-go (Docker Compose's loader) and
# BuildKit's Dockerfile frontend (`docker build --check`), then cached under
# ~/.cache/user-engagement/. What it checks: docs/deploy.md, "How this was validated".
#   scripts/check-compose.sh        one line on success, one line per problem otherwise
#   scripts/check-compose.sh -v     also list what passed
# Exit status: 0 clean, 1 problems found, 2 the checker could not be built.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/scripts/check-compose"

go_bin="$(command -v go || true)"
[[ -z "$go_bin" && -x /usr/local/go/bin/go ]] && go_bin=/usr/local/go/bin/go
if [[ -z "$go_bin" ]]; then
  echo "check-compose: needs Go 1.26.8+ (go.mod of scripts/check-compose), none on PATH" >&2
  exit 2
fi

# The cache key covers the checker's sources and the Go version, so an edit rebuilds it.
key="$( (cat "$src/go.mod" "$src/go.sum" "$src"/*.go; "$go_bin" version) | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/user-engagement/check-compose"
bin="$cache/check-compose-$key"

if [[ ! -x "$bin" ]]; then
  echo "check-compose: building the checker (first run only, ~1 min)" >&2
  mkdir -p "$cache"
  tmp="$bin.tmp.$$"
  if ! (cd "$src" && GOTOOLCHAIN=local GOFLAGS='-mod=readonly -buildvcs=false' "$go_bin" build -trimpath -o "$tmp" .) >"$cache/build.log" 2>&1; then
    echo "check-compose: building the checker failed; see $cache/build.log" >&2
    tail -n 5 "$cache/build.log" >&2
    rm -f "$tmp"
    exit 2
  fi
  mv -f "$tmp" "$bin"
  # Older builds of the checker are dead weight.
  find "$cache" -maxdepth 1 -name 'check-compose-*' ! -name "check-compose-$key" -delete 2>/dev/null || true
fi

exec "$bin" "$@" "$root"
