#!/usr/bin/env bash
# The meta-node installation guide, step by step, on three hosts made of network namespaces.
#
# Hosts enterprise-meta-01..03 get private addresses on a bridge inside a namespace of their
# own, and each its own hosts file (/etc/netns/NAME/hosts, which `ip netns exec` mounts over
# /etc/hosts). Each host runs `influxd-meta -config /etc/influxdb/influxdb-meta.conf` with the
# guide's config (its own /etc/influxdb and /var/lib/influxdb are bind-mounted in a private
# mount namespace), default ports 8089/8091. From enterprise-meta-01 the three `join`s run,
# then `show` on every host must print the guide's output. Then the leader is killed with
# SIGKILL: the others must still answer `show` and accept a write; it is restarted and must
# catch up. Needs root. Binaries come from $INFLUXD_BIN_DIR (default: swift build's bin path).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "seed-procedure-netns: needs root (network namespaces)"; exit 77; }
cd "$(dirname "$0")/.."
bin=${INFLUXD_BIN_DIR:-$(swift build --show-bin-path)}
work=$(mktemp -d /tmp/seed-netns.XXXXXX)
hosts=(enterprise-meta-01 enterprise-meta-02 enterprise-meta-03)
bridge_ns=imeta-bridge
subnet=10.231.77
passed=0; failed=0
declare -A pids

log() { printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*"; }
check() {  # check NAME COMMAND...: records a pass or a failure
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); log "ok: $name"; else failed=$((failed + 1)); log "FAILED: $name"; fi
}
in_host() { local h=$1; shift; ip netns exec "$h" "$@"; }

cleanup() {
    for h in "${hosts[@]}"; do
        [ -n "${pids[$h]:-}" ] && kill -9 "${pids[$h]}" 2>/dev/null || true
        ip netns del "$h" 2>/dev/null || true
        rm -rf "/etc/netns/$h"
    done
    ip netns del "$bridge_ns" 2>/dev/null || true
    if [ "$failed" -ne 0 ]; then
        log "logs kept in $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# --- the hosts: namespaces, a bridge, addresses, /etc/hosts --------------------------------
cleanup_stale() { for h in "${hosts[@]}" "$bridge_ns"; do ip netns del "$h" 2>/dev/null || true; done; }
cleanup_stale
ip netns add "$bridge_ns"
ip -n "$bridge_ns" link add br0 type bridge
ip -n "$bridge_ns" link set br0 up
i=0
for h in "${hosts[@]}"; do
    i=$((i + 1))
    ip netns add "$h"
    ip link add "im$i" type veth peer name "ib$i"
    ip link set "im$i" netns "$h"
    ip link set "ib$i" netns "$bridge_ns"
    ip -n "$bridge_ns" link set "ib$i" master br0 up
    ip -n "$h" addr add "$subnet.$i/24" dev "im$i"
    ip -n "$h" link set "im$i" up
    ip -n "$h" link set lo up
done
for h in "${hosts[@]}"; do
    mkdir -p "/etc/netns/$h"
    {
        echo "127.0.0.1 localhost"
        j=0
        for o in "${hosts[@]}"; do j=$((j + 1)); echo "$subnet.$j $o"; done
    } > "/etc/netns/$h/hosts"
done

# The guide's verification: every server resolves and reaches the others.
for h in "${hosts[@]}"; do
    for o in "${hosts[@]}"; do
        check "$h pings $o" in_host "$h" ping -qc 1 -W 2 "$o" >/dev/null
    done
done

# --- the guide's config on each host ---------------------------------------------------------
mkdir -p /etc/influxdb /var/lib/influxdb
for h in "${hosts[@]}"; do
    mkdir -p "$work/$h/etc" "$work/$h/lib"
    cat > "$work/$h/etc/influxdb-meta.conf" <<CONF
reporting-disabled = false
bind-address = ""
hostname = "$h"

[enterprise]
 registration-enabled = true
 registration-server-url = "http://$subnet.1:3000"
 license-key = "00000000-0000-0000-0000-000000000000"
 license-path = ""

[meta]
 dir = "/var/lib/influxdb/meta"
 bind-address = ":8089"
 pprof-enabled = false
 lease-duration = "1m0s"
CONF
done

start() {
    local h=$1
    ip netns exec "$h" unshare --mount --propagation private sh -c \
        "mount --bind '$work/$h/etc' /etc/influxdb && mount --bind '$work/$h/lib' /var/lib/influxdb && exec '$bin/influxd-meta' -config /etc/influxdb/influxdb-meta.conf" \
        >> "$work/$h/influxd-meta.log" 2>&1 &
    pids[$h]=$!
    disown "${pids[$h]}"
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then log "timed out waiting for $what"; return 1; fi
        sleep 0.05
    done
}
ctl() { local h=$1; shift; in_host "$h" "$bin/influxd-ctl" "$@"; }
api() { local h=$1 path=$2; in_host "$h" curl -sf -H "Accept: application/json" "http://$h:8091$path"; }

for h in "${hosts[@]}"; do start "$h"; done
for h in "${hosts[@]}"; do check "$h is up" wait_for 20 "$h /ping" api "$h" /ping; done
for h in "${hosts[@]}"; do
    check "$h runs as in the guide's ps line" \
        grep -q "influxd-meta.-config./etc/influxdb/influxdb-meta.conf" <(tr '\0' ' ' < "/proc/${pids[$h]}/cmdline")
    check "$h waits un-joined" sh -c "ip netns exec $h curl -sf http://$h:8091/status | grep -q '\"peers\":null'"
done

# --- join from enterprise-meta-01 -------------------------------------------------------------
i=0
for h in "${hosts[@]}"; do
    i=$((i + 1))
    [ "$i" -eq 3 ] && t0=$(date +%s%N)
    out=$(ctl enterprise-meta-01 join "$h:8091" 2>/dev/null)
    check "join $h prints the guide's line" [ "$out" = "Added meta node $i at $h:8091" ]
done
expected=$'Meta Nodes\n==========\nTCP Address\nenterprise-meta-01:8091\nenterprise-meta-02:8091\nenterprise-meta-03:8091'
shows_three() { [ "$(ctl "$1" show 2>/dev/null)" = "$expected" ]; }
check "show lists three nodes after the third join" wait_for 20 "three nodes" shows_three enterprise-meta-01
t1=$(date +%s%N)
log "measured: third join to a show listing three nodes: $(( (t1 - t0) / 1000000 )) ms"
for h in "${hosts[@]}"; do check "show on $h prints the guide's output" wait_for 10 "show on $h" shows_three "$h"; done
again=$(ctl enterprise-meta-01 join enterprise-meta-02:8091 2>/dev/null)
check "a repeated join is harmless" [ "$again" = "Meta node 2 at enterprise-meta-02:8091 is already a member of the cluster" ]
check "localhost is refused" sh -c "! ip netns exec enterprise-meta-01 '$bin/influxd-ctl' join localhost:8091 2>/dev/null"

# --- kill -9 the leader -------------------------------------------------------------------------
write() {  # write HOST NAME: a create-database through HOST, following the leader redirect
    in_host "$1" curl -sf -L --post301 --post302 --post303 -X POST "http://$1:8091/execute" \
        -d "{\"type\":\"create-database\",\"name\":\"$2\"}" | grep -q '"index"'
}
check "a write before the failure" write enterprise-meta-02 before-failure
leader_raft=$(api enterprise-meta-01 /status | sed -n 's/.*"leader":"\([^"]*\)".*/\1/p')
leader=${leader_raft%:8089}
log "leader is $leader; killing it with SIGKILL"
survivors=(); for h in "${hosts[@]}"; do [ "$h" != "$leader" ] && survivors+=("$h"); done
t0=$(date +%s%N)
kill -9 "${pids[$leader]}"
n=0
first_write() { n=$((n + 1)); write "${survivors[0]}" "after-failure-$n"; }
check "a survivor accepts a write after the leader died" wait_for 30 "a write after failover" first_write
t1=$(date +%s%N)
log "measured: kill -9 of the leader to the first acknowledged write: $(( (t1 - t0) / 1000000 )) ms"
for h in "${survivors[@]}"; do
    check "show still answers on $h" shows_three "$h"
done

# --- restart it; it catches up --------------------------------------------------------------------
start "$leader"
index_of() { api "$1" / | sed -n 's/.*"index":\([0-9]*\).*/\1/p'; }
caught_up() {
    local a b c
    a=$(index_of "${hosts[0]}") && b=$(index_of "${hosts[1]}") && c=$(index_of "${hosts[2]}") || return 1
    [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]
}
check "the restarted node catches up" wait_for 30 "equal indexes" caught_up
has_db() { api "$leader" / | grep -q '"name":"before-failure"' && api "$leader" / | grep -q '"name":"after-failure-'; }
check "the restarted node has the writes from before and during its absence" has_db
check "show on the restarted node prints the guide's output" shows_three "$leader"

echo "seed-procedure-netns: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
