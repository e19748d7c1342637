#!/usr/bin/env bash
# Runs the real-server integration tests (tests/real_server.rs) against
# ferrokinesis, a Kinesis emulator from crates.io.
#
# The emulator binds every interface, so it runs inside a private network
# namespace whose only interface is loopback. Everything that needs the
# package registry (building the tests, installing the emulator) happens
# before entering the namespace; inside it cargo runs offline.
#
# Usage, from the repository root:  bash .ci/real-server.sh
# Environment:
#   FERROKINESIS_BIN      use this emulator binary instead of installing one
#   FERROKINESIS_VERSION  version installed with `cargo install` (default below)
#   CARGO_TARGET_DIR      honoured as usual (default ./target)
set -euo pipefail

FERROKINESIS_VERSION="${FERROKINESIS_VERSION:-0.7.0}"
READY_TIMEOUT_SECS=20

log() { printf '[real-server] %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# Inside the namespace (the script re-invokes itself with --inside).
# ---------------------------------------------------------------------------
inside() {
    local bin="$1" status=0
    # Globals, as the EXIT trap runs after this function has returned.
    WORKDIR="$(mktemp -d)"
    PIDS=()

    # shellcheck disable=SC2317  # called through the EXIT trap
    cleanup() {
        local pid
        for pid in "${PIDS[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then
                kill "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
            fi
        done
        rm -rf "$WORKDIR"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    ip link set lo up

    # A port nothing answers on (the namespace is new, so this is quick).
    port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
    pick_port() {
        local p
        for _ in $(seq 1 100); do
            p=$((20000 + RANDOM % 40000))
            if port_is_free "$p" && [[ " ${*:-} " != *" $p "* ]]; then
                echo "$p"
                return 0
            fi
        done
        return 1
    }

    local p1 p2
    p1="$(pick_port)"
    p2="$(pick_port "$p1")"

    local common=(--create-stream-ms 0 --update-stream-ms 0 --delete-stream-ms 0
        --shard-limit 1000 --region us-east-1 --account-id 000000000000
        --log-level warn)

    "$bin" --port "$p1" "${common[@]}" >"$WORKDIR/plain.log" 2>&1 &
    PIDS+=("$!")
    "$bin" --port "$p2" "${common[@]}" --enforce-limits true >"$WORKDIR/throttled.log" 2>&1 &
    PIDS+=("$!")

    wait_ready() {
        local port="$1" pid="$2" name="$3" deadline=$((SECONDS + READY_TIMEOUT_SECS))
        until "$bin" health-check --host 127.0.0.1 --port "$port" >/dev/null 2>&1; do
            if ! kill -0 "$pid" 2>/dev/null; then
                log "$name server (port $port) exited early:"
                cat "$WORKDIR/$name.log" >&2 || true
                return 1
            fi
            if ((SECONDS >= deadline)); then
                log "$name server (port $port) not ready after ${READY_TIMEOUT_SECS}s"
                cat "$WORKDIR/$name.log" >&2 || true
                return 1
            fi
            sleep 0.1
        done
        log "$name server ready on 127.0.0.1:$port"
    }
    wait_ready "$p1" "${PIDS[0]}" plain
    wait_ready "$p2" "${PIDS[1]}" throttled

    export KINESIS_PROTO_TEST_ENDPOINT="http://127.0.0.1:$p1"
    export KINESIS_PROTO_TEST_THROTTLED_ENDPOINT="http://127.0.0.1:$p2"
    export CARGO_NET_OFFLINE=true

    cargo test -p kinesis-proto-interop --test real_server -- --include-ignored --show-output || status=$?

    if ((status == 0)) && [[ -d examples/http ]]; then
        # An example of the examples/http crate, signed with the documentation's example
        # credentials (the server accepts any).
        signed_example() {
            AWS_ACCESS_KEY_ID=AKIDEXAMPLE \
                AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' \
                AWS_REGION=us-east-1 \
                cargo run --quiet -p kinesis-proto-http-examples --example "$@"
        }
        local ex
        for ex in send_ureq send_hyper; do
            [[ -f "examples/http/$ex.rs" ]] || continue
            log "example $ex"
            signed_example "$ex" -- "$KINESIS_PROTO_TEST_ENDPOINT" "kinesis-proto-ci-$ex" ||
                status=$?
        done
        # The producer engine: 100,000 records over 4 shards against the server that enforces
        # the per-shard write limits, then every shard read back and de-aggregated as the KCL
        # does; it fails unless every delivered record is there, on its shard.
        if ((status == 0)) && [[ -f examples/http/produce.rs ]]; then
            log "example produce (100,000 records, 4 shards, --enforce-limits true)"
            signed_example produce -- "$KINESIS_PROTO_TEST_THROTTLED_ENDPOINT" \
                kinesis-proto-ci-produce 100000 4 --verify || status=$?
        fi
        # The same through a SplitShard a quarter of the way and a MergeShards of its children
        # at half way; parents and children are read back with each one's range filter.
        if ((status == 0)) && [[ -f examples/http/reshard.rs ]]; then
            log "example produce --reshard (split, then merge, while 100,000 records flow)"
            signed_example produce -- "$KINESIS_PROTO_TEST_THROTTLED_ENDPOINT" \
                kinesis-proto-ci-reshard 100000 4 --verify --reshard || status=$?
        fi
    fi

    if ((status != 0)); then
        log "tests failed (exit $status); server logs follow"
        tail -n 50 "$WORKDIR/plain.log" "$WORKDIR/throttled.log" >&2 || true
    fi
    return "$status"
}

if [[ "${1:-}" == "--inside" ]]; then
    inside "$2"
    exit $?
fi

# ---------------------------------------------------------------------------
# Outside: prerequisites, build, then enter the namespace.
# ---------------------------------------------------------------------------
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v unshare >/dev/null; then
    log "unshare (util-linux) is required"
    exit 1
fi
if ! command -v ip >/dev/null; then
    log "installing iproute2"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
fi

bin="${FERROKINESIS_BIN:-}"
if [[ -z "$bin" ]]; then
    bin="${CARGO_HOME:-$HOME/.cargo}/bin/ferrokinesis"
    if ! cargo install --list | grep -q "^ferrokinesis v${FERROKINESIS_VERSION}:" || [[ ! -x "$bin" ]]; then
        log "installing ferrokinesis ${FERROKINESIS_VERSION}"
        cargo install ferrokinesis --locked --version "$FERROKINESIS_VERSION"
    fi
fi
bin="$(realpath "$bin")"

log "building test binaries"
cargo test --no-run -p kinesis-proto-interop --test real_server
if [[ -d examples/http ]]; then
    cargo build -p kinesis-proto-http-examples --examples
fi

# A PID namespace too, where available: then nothing the run started can
# outlive it, even if the script itself is killed.
ns=(--net)
if unshare --net --pid --fork true 2>/dev/null; then
    ns=(--net --pid --fork --kill-child)
fi

status=0
unshare "${ns[@]}" -- bash "$(realpath "${BASH_SOURCE[0]}")" --inside "$bin" || status=$?
exit "$status"
