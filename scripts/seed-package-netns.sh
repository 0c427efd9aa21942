#!/usr/bin/env bash
# The meta-node installation guide from the package, on three hosts that each have a network,
# a process table, a host name and a filesystem of their own:
#   - a network namespace per host on one bridge (as scripts/seed-procedure-netns.sh);
#   - a mount, PID and UTS namespace per host whose root is an overlay of this machine's root
#     (writes go to a tmpfs of the host's own), so dpkg's database, /etc, /usr/bin, /var/lib and
#     /var/log are the host's, and `ps aux` lists that host's processes only.
# On each host, as the guide says: write /etc/hosts, `dpkg -i` the .deb, edit
# /etc/influxdb/influxdb-meta.conf (hostname, license), `service influxdb-meta start`, check the
# `ps aux | grep -v grep | grep influxdb-meta` line; then `influxd-ctl join` from
# enterprise-meta-01 and `influxd-ctl show` everywhere. Then an upgrade to a package with a bumped
# revision (config and data kept, the nodes keep running), `service influxdb-meta restart` one
# host at a time with a write accepted while each is down, and remove and purge.
# systemd does not run here: `service` runs /etc/init.d/influxdb-meta (the sysvinit path).
# Needs root. Packages: SEED_PACKAGE_DIR holding influxdb-meta_*-1_amd64.deb and -2 (else
# scripts/package.sh makes them from INFLUXD_RELEASE_DIR, default scripts/build-release.sh).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "seed-package-netns: needs root (namespaces, mounts)"; exit 77; }
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/seed-package.XXXXXX)
hosts=(enterprise-meta-01 enterprise-meta-02 enterprise-meta-03)
bridge_ns=spkg-bridge
subnet=10.231.99
passed=0
failed=0
declare -A netns init

log() { printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*"; }
check() { # check NAME COMMAND...: records a pass or a failure
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        log "ok: $name"
    else
        failed=$((failed + 1))
        log "FAILED: $name"
    fi
}
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
# on HOST COMMAND: runs a shell command line on HOST, as root with a login-like environment.
on() {
    local h=$1
    shift
    nsenter -t "${init[$h]}" -m -u -n -p -r -w \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        /bin/sh -c "$*"
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" > /dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "timed out waiting for $what"
            return 1
        fi
        sleep 0.05
    done
}

cleanup() {
    for h in "${hosts[@]}"; do
        if [ -n "${init[$h]:-}" ]; then
            if [ "$failed" -ne 0 ]; then
                mkdir -p "$work/logs/$h"
                cp -r "/proc/${init[$h]}/root/var/log/influxdb/." "$work/logs/$h/" 2> /dev/null || true
            fi
            kill -9 "${init[$h]}" 2> /dev/null || true # the PID namespace's init: all of it goes
        fi
        ip netns del "${netns[$h]}" 2> /dev/null || true
    done
    ip netns del "$bridge_ns" 2> /dev/null || true
    for h in "${hosts[@]}"; do
        [ -n "${init[$h]:-}" ] || continue
        for _ in $(seq 50); do [ -d "/proc/${init[$h]}" ] || break; sleep 0.1; done
    done
    umount -l "$work/fs" 2> /dev/null || true
    if [ "$failed" -ne 0 ]; then
        log "logs kept in $work/logs"
        rm -rf "$work/fs"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# --- the packages: revision 1 to install, revision 2 to upgrade to ----------------------------------
packages=${SEED_PACKAGE_DIR:-}
if [ -z "$packages" ]; then
    packages=$work/dist
    release=${INFLUXD_RELEASE_DIR:-$(scripts/build-release.sh | tail -1)}
    t0=$(date +%s%N)
    scripts/package.sh --bin-dir "$release" --out "$packages" > /dev/null
    log "measured: scripts/package.sh (.deb and .rpm, from built binaries): $(ms "$t0") ms"
    scripts/package.sh --revision 2 --no-rpm --bin-dir "$release" --out "$packages" > /dev/null
fi
deb1=$(ls "$packages"/influxdb-meta_*-1_amd64.deb)
deb2=$(ls "$packages"/influxdb-meta_*-2_amd64.deb)
version1=$(dpkg-deb -f "$deb1" Version)
version2=$(dpkg-deb -f "$deb2" Version)
rpm1=$(ls "$packages"/influxdb-meta-*-1.x86_64.rpm 2> /dev/null || true)
if [ -n "$rpm1" ]; then
    rpm_files=$(rpm -qpl "$rpm1")
    rpm_requires=$(rpm -qpR "$rpm1")
    rpm_lists() { grep -qx "$1" <<< "$rpm_files"; }
    for path in /usr/bin/influxd-meta /usr/bin/influxd-ctl /usr/bin/influx-license /etc/influxdb/influxdb-meta.conf \
        /etc/rc.d/init.d/influxdb-meta /usr/lib/systemd/system/influxdb-meta.service /etc/default/influxdb-meta \
        /etc/logrotate.d/influxdb-meta; do
        check "the .rpm holds $path" rpm_lists "$path"
    done
    for library in libraft.so.2 libuv.so.1 libssl.so.3; do
        check "the .rpm requires $library" grep -q "^$library()" <<< "$rpm_requires"
    done
    flags=$(rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm1")
    check "the .rpm's config is %config(noreplace)" grep -qx "cn /etc/influxdb/influxdb-meta.conf" <<< "$flags"
fi
depends=$(dpkg-deb -f "$deb1" Depends)
for dependency in libraft2 libuv1 libssl3; do
    check "the .deb depends on $dependency" grep -q "$dependency (" <<< "$depends"
done

# --- the hosts -----------------------------------------------------------------------------------
for ns in spkg-01 spkg-02 spkg-03 "$bridge_ns"; do ip netns del "$ns" 2> /dev/null || true; done
ip netns add "$bridge_ns"
ip -n "$bridge_ns" link add br0 type bridge
ip -n "$bridge_ns" link set br0 up
mkdir -p "$work/fs"
mount -t tmpfs -o size=2g seed-package "$work/fs" # overlay upper layers may not sit under their lower (/)
i=0
for h in "${hosts[@]}"; do
    i=$((i + 1))
    netns[$h]=spkg-0$i
    ip netns add "${netns[$h]}"
    ip link add "sp$i" type veth peer name "sb$i"
    ip link set "sp$i" netns "${netns[$h]}"
    ip link set "sb$i" netns "$bridge_ns"
    ip -n "$bridge_ns" link set "sb$i" master br0 up
    ip -n "${netns[$h]}" addr add "$subnet.$i/24" dev "sp$i"
    ip -n "${netns[$h]}" link set "sp$i" up
    ip -n "${netns[$h]}" link set lo up
    fs=$work/fs/$h
    mkdir -p "$fs/upper" "$fs/work" "$fs/root"
    # PID 1 of the host: mounts its root, then reaps orphans (daemons started by `service`).
    ip netns exec "${netns[$h]}" unshare --mount --pid --uts --fork --propagation private /bin/bash -c '
        set -e
        root=$1
        mount -t overlay overlay -o "lowerdir=/,upperdir=$2/upper,workdir=$2/work" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs tmpfs "$root/run"
        mount -t tmpfs tmpfs "$root/tmp"
        mkdir -p "$root/run/lock" "$root/srv/packages"
        mount --bind "$4" "$root/srv/packages"
        hostname "$3"
        cd /
        exec chroot "$root" /usr/bin/python3 -c "
import os, time
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        time.sleep(0.2)
"' seed-host "$fs/root" "$fs" "$h" "$packages" > "$work/$h.init.log" 2>&1 &
    launcher=$!
    for _ in $(seq 200); do
        child=$(cat "/proc/$launcher/task/$launcher/children" 2> /dev/null | awk '{print $1}')
        [ -n "$child" ] && grep -q python "/proc/$child/comm" 2> /dev/null && break
        sleep 0.05
    done
    [ -n "$child" ] && grep -q python "/proc/$child/comm" ||
        { log "host $h did not come up: $(cat "$work/$h.init.log")"; failed=1; exit 1; }
    init[$h]=$child
done
check "each host has its own name" [ "$(on enterprise-meta-02 hostname)" = enterprise-meta-02 ]
check "each host has its own process table" [ "$(on enterprise-meta-01 'ps -e --no-headers | wc -l')" -lt 5 ]

# The guide: every server's name and address in every server's /etc/hosts; each resolves the others.
for h in "${hosts[@]}"; do
    on "$h" "cat > /etc/hosts" <<HOSTS
127.0.0.1 localhost
$subnet.1 enterprise-meta-01
$subnet.2 enterprise-meta-02
$subnet.3 enterprise-meta-03
HOSTS
done
for h in "${hosts[@]}"; do
    for o in "${hosts[@]}"; do check "$h pings $o" on "$h" "ping -qc 1 -W 2 $o > /dev/null"; done
done

# --- 1. install the package -------------------------------------------------------------------------
for h in "${hosts[@]}"; do
    t0=$(date +%s%N)
    check "dpkg -i on $h" on "$h" "dpkg -i /srv/packages/$(basename "$deb1") > /tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; false; }"
    log "measured: dpkg -i on $h: $(ms "$t0") ms"
done
h=enterprise-meta-01
for path in /usr/bin/influxd-meta /usr/bin/influxd-ctl /usr/bin/influx-license /etc/init.d/influxdb-meta; do
    check "the package installed $path" on "$h" "test -x $path"
done
for path in /etc/influxdb/influxdb-meta.conf /etc/default/influxdb-meta /etc/logrotate.d/influxdb-meta \
    /lib/systemd/system/influxdb-meta.service; do
    check "the package installed $path" on "$h" "test -f $path"
done
check "the default config is a conffile" on "$h" "dpkg-query -W -f='\${Conffiles}' influxdb-meta | grep -q ' /etc/influxdb/influxdb-meta.conf '"
check "the default config says a license is needed" on "$h" "grep -q 'does not start without a license' /etc/influxdb/influxdb-meta.conf"
check "user and group influxdb exist" on "$h" "id influxdb | grep -q 'gid=[0-9]*(influxdb)'"
check "/var/lib/influxdb/meta belongs to influxdb" [ "$(on "$h" "stat -c %U:%G /var/lib/influxdb/meta")" = influxdb:influxdb ]
check "the service starts at boot (rc2.d link)" on "$h" "ls /etc/rc2.d | grep -q '^S[0-9]*influxdb-meta$'"
check "the systemd unit runs the guide's command line" on "$h" \
    "grep -qx 'ExecStart=/usr/bin/influxd-meta -config /etc/influxdb/influxdb-meta.conf \$INFLUXD_META_OPTS' /lib/systemd/system/influxdb-meta.service"
check "systemd is not running here (service uses the sysvinit script)" on "$h" "test ! -d /run/systemd/system"
refusal=$(on "$h" "service influxdb-meta start 2>&1" || true)
check "service start without a license fails and says why" grep -q "neither \[enterprise\] license-key nor license-path is set" <<< "$refusal"
check "no node runs after the refusal" on "$h" "! pgrep -x influxd-meta"
check "status says not running" [ "$(on "$h" "service influxdb-meta status > /dev/null; echo \$?")" = 3 ]

# --- 2. the license and the guide's config ------------------------------------------------------------
# A development issuer and license made on enterprise-meta-01 with the installed influx-license,
# then given to the other servers, as an operator would (docs/LICENSING.md).
on enterprise-meta-01 "influx-license keygen -out /root/issuer > /dev/null &&
    influx-license issue -key /root/issuer/issuer.key.pem -org 'seed test' -plan development \
        -expires \$(date -u -d '+30 days' +%Y-%m-%d) -data-nodes 4 -cores 16 -meta-nodes 3 \
        -out /etc/influxdb/license.json > /dev/null && cp /root/issuer/issuer.pub.pem /etc/influxdb/issuer.pub.pem"
on enterprise-meta-01 "cat /etc/influxdb/license.json" > "$work/license.json"
on enterprise-meta-01 "cat /etc/influxdb/issuer.pub.pem" > "$work/issuer.pub.pem"
i=0
for h in "${hosts[@]}"; do
    i=$((i + 1))
    on "$h" "cat > /etc/influxdb/license.json" < "$work/license.json"
    on "$h" "cat > /etc/influxdb/issuer.pub.pem" < "$work/issuer.pub.pem"
    # The guide's edits: hostname, registration, the license.
    on "$h" "sed -i \
        -e 's|^hostname = .*|hostname = \"$h\"|' \
        -e 's|^registration-enabled = .*|registration-enabled = true|' \
        -e 's|^registration-server-url = .*|registration-server-url = \"http://$subnet.1:3000\"|' \
        -e 's|^license-path = .*|license-path = \"/etc/influxdb/license.json\"|' \
        -e 's|^license-issuer-keys = .*|license-issuer-keys = [\"/etc/influxdb/issuer.pub.pem\"]|' \
        /etc/influxdb/influxdb-meta.conf"
done
on enterprise-meta-02 "sha256sum /etc/influxdb/influxdb-meta.conf" > "$work/conf.sha256"

# --- 3. start -----------------------------------------------------------------------------------------
api() { on "$1" "curl -sf -H 'Accept: application/json' http://$1:8091$2"; }
ps_line() { on "$1" "ps aux | grep -v grep | grep influxdb-meta"; }
guide_ps_line() { # one line: user influxdb, the guide's command line
    local lines
    lines=$(ps_line "$1")
    [ "$(wc -l <<< "$lines")" = 1 ] && [[ $lines =~ ^influxdb\ .*\ /usr/bin/influxd-meta\ -config\ /etc/influxdb/influxdb-meta\.conf$ ]]
}
for h in "${hosts[@]}"; do
    t0=$(date +%s%N)
    check "service influxdb-meta start on $h" on "$h" "service influxdb-meta start > /dev/null"
    check "$h answers /ping" wait_for 30 "$h /ping" api "$h" /ping
    log "measured: $h: service start to /ping $(ms "$t0") ms"
done
for h in "${hosts[@]}"; do
    check "ps on $h shows the guide's line" guide_ps_line "$h"
    check "service status on $h" on "$h" "service influxdb-meta status | grep -q 'is running'"
done
log "ps aux on enterprise-meta-01: $(ps_line enterprise-meta-01)"

# --- 4. join and show ---------------------------------------------------------------------------------
ctl() {
    local h=$1
    shift
    on "$h" "influxd-ctl $*"
}
i=0
for h in "${hosts[@]}"; do
    i=$((i + 1))
    out=$(ctl enterprise-meta-01 join "$h:8091" 2> "$work/join.err" || true)
    [ "$out" = "Added meta node $i at $h:8091" ] || log "join $h printed: $out $(cat "$work/join.err")"
    check "join $h prints the guide's line" [ "$out" = "Added meta node $i at $h:8091" ]
done
expected=$'Meta Nodes\n==========\nTCP Address\nenterprise-meta-01:8091\nenterprise-meta-02:8091\nenterprise-meta-03:8091'
shows_three() { [ "$(ctl "$1" show 2> /dev/null)" = "$expected" ]; }
for h in "${hosts[@]}"; do check "show on $h prints the guide's output" wait_for 20 "show on $h" shows_three "$h"; done
write() { # write HOST NAME: a create-database through HOST, following the leader redirect
    on "$1" "curl -sf -L --post301 --post302 --post303 -X POST http://$1:8091/execute \
        -d '{\"type\":\"create-database\",\"name\":\"$2\"}' | grep -q '\"index\"'"
}
has_db() { api "$1" / | grep -q "\"name\":\"$2\""; }
check "a write before the upgrade" write enterprise-meta-02 before-upgrade

# --- 5. upgrade: config and data kept, the nodes keep running the old binary until restarted --------------
declare -A pid_before
for h in "${hosts[@]}"; do
    pid_before[$h]=$(on "$h" "cat /var/run/influxdb/influxd-meta.pid")
    check "dpkg -i $version2 over $version1 on $h" on "$h" \
        "dpkg -i /srv/packages/$(basename "$deb2") < /dev/null > /tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; false; }"
    check "$h has $version2" [ "$(on "$h" "dpkg-query -W -f='\${Version}' influxdb-meta")" = "$version2" ]
    check "the node on $h kept running" on "$h" "kill -0 ${pid_before[$h]}"
    check "the node on $h runs the replaced binary until restarted" on "$h" "readlink /proc/${pid_before[$h]}/exe | grep -q deleted"
done
check "the edited config is kept" on enterprise-meta-02 "echo '$(cat "$work/conf.sha256")' | sha256sum -c --quiet"
check "the data is kept" has_db enterprise-meta-03 before-upgrade

# --- 6. rolling restart, one host at a time, quorum kept -------------------------------------------------
index_of() { api "$1" / | sed -n 's/.*"index":\([0-9]*\).*/\1/p'; }
caught_up() {
    local a b c
    a=$(index_of "${hosts[0]}") && b=$(index_of "${hosts[1]}") && c=$(index_of "${hosts[2]}") || return 1
    [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]
}
for h in "${hosts[@]}"; do
    t0=$(date +%s%N)
    check "service influxdb-meta restart on $h" on "$h" "service influxdb-meta restart > /dev/null"
    check "$h answers /ping after the restart" wait_for 30 "$h /ping" api "$h" /ping
    check "a write through $h after its restart" wait_for 30 "a write through $h" write "$h" "after-restart-of-$h"
    check "$h caught up" wait_for 30 "equal indexes" caught_up
    log "measured: $h: service restart to caught up with a write: $(ms "$t0") ms"
    check "$h runs the new binary" on "$h" "! readlink /proc/\$(cat /var/run/influxdb/influxd-meta.pid)/exe | grep -q deleted"
    check "ps on $h shows the guide's line after the restart" guide_ps_line "$h"
done
# One node down: the other two keep a quorum and accept writes.
check "service influxdb-meta stop on enterprise-meta-02" on enterprise-meta-02 "service influxdb-meta stop > /dev/null"
check "status says stopped" [ "$(on enterprise-meta-02 "service influxdb-meta status > /dev/null; echo \$?")" = 3 ]
write_while_down() { write enterprise-meta-01 while-02-down; }
check "a write while enterprise-meta-02 is down" wait_for 30 "a write while enterprise-meta-02 is down" write_while_down
check "service influxdb-meta start on enterprise-meta-02" on enterprise-meta-02 "service influxdb-meta start > /dev/null"
check "enterprise-meta-02 caught up" wait_for 30 "equal indexes" caught_up
has_every_write() {
    has_db "$1" before-upgrade && has_db "$1" after-restart-of-enterprise-meta-01 && has_db "$1" while-02-down
}
for h in "${hosts[@]}"; do
    check "show on $h after the rolling restart" shows_three "$h"
    check "$h has every write" has_every_write "$h"
done

if [ "$failed" -ne 0 ]; then # purge deletes the logs
    for h in "${hosts[@]}"; do
        mkdir -p "$work/logs/$h"
        on "$h" "cat /var/log/influxdb/influxd-meta.log" > "$work/logs/$h/influxd-meta.log" 2> /dev/null || true
    done
fi

# --- 7. remove, then purge --------------------------------------------------------------------------------
h=enterprise-meta-03
on "$h" "cp /etc/influxdb/influxdb-meta.conf /root/influxdb-meta.conf.edited"
check "dpkg -r on $h" on "$h" "dpkg -r influxdb-meta > /dev/null 2>&1"
check "remove stopped the node on $h" wait_for 10 "no influxd-meta on $h" on "$h" "! pgrep -x influxd-meta"
check "remove took the binaries" on "$h" "test ! -e /usr/bin/influxd-meta && test ! -e /usr/bin/influxd-ctl"
check "remove kept the config" on "$h" "test -f /etc/influxdb/influxdb-meta.conf"
check "dpkg -P on $h" on "$h" "dpkg -P influxdb-meta > /dev/null 2>&1"
check "purge took the config, the init script and its links" on "$h" \
    "test ! -e /etc/influxdb/influxdb-meta.conf && test ! -e /etc/init.d/influxdb-meta && ! ls /etc/rc2.d | grep -q influxdb-meta"
check "purge kept the cluster state" on "$h" "test -d /var/lib/influxdb/meta && test -n \"\$(ls /var/lib/influxdb/meta)\""
check "dpkg knows nothing of influxdb-meta on $h" on "$h" "! dpkg-query -W -f='\${Status}' influxdb-meta 2> /dev/null | grep -q installed"

# --- 8. the figure: package install to a node answering /ping ------------------------------------------
# On the purged host: dpkg -i, its edited config put back, service start, /ping. It still has its
# cluster state, so it is a member again at once.
t0=$(date +%s%N)
check "reinstall on $h, its config back, service start" on "$h" \
    "dpkg -i /srv/packages/$(basename "$deb2") > /dev/null 2>&1 &&
     cp /root/influxdb-meta.conf.edited /etc/influxdb/influxdb-meta.conf && service influxdb-meta start > /dev/null"
check "$h answers /ping after the reinstall" wait_for 30 "$h /ping" api "$h" /ping
install_to_ping=$(ms "$t0")
check "$h is a member again with the state purge kept" wait_for 20 "show on $h" shows_three "$h"
check "$h has every write after the reinstall" has_every_write "$h"

for h in "${hosts[@]}"; do
    on "$h" "cp /etc/influxdb/influxdb-meta.conf /root/influxdb-meta.conf.edited"
    check "dpkg -P on $h" on "$h" "dpkg -P influxdb-meta > /dev/null 2>&1"
    check "purge stopped the node on $h" wait_for 10 "no influxd-meta on $h" on "$h" "! pgrep -x influxd-meta"
done

# `apt install ./influxdb-meta_….deb` pulls what the binaries link: on a host without libraft2,
# apt's plan (simulated, nothing downloaded) installs it with the package.
h=enterprise-meta-03
if on "$h" "test -n \"\$(ls /var/lib/apt/lists/ | grep _Packages)\""; then
    on "$h" "dpkg -r libraft-dev libraft2 > /dev/null 2>&1" || true
    plan=$(on "$h" "apt-get install -s /srv/packages/$(basename "$deb2") 2>&1" || true)
    grep -q "^Inst libraft2 " <<< "$plan" || log "apt's plan: $plan"
    check "apt install ./$(basename "$deb2") pulls libraft2" grep -q "^Inst libraft2 " <<< "$plan"
else
    log "skipped: apt's plan for the .deb (no apt lists; apt-get update first)"
fi

# The .rpm's scriptlets, on a host whose rpm database knows no libraries (--nodeps): user, folders,
# config mode, the init script under /etc/rc.d/init.d, and erase stopping the node.
h=enterprise-meta-01
if [ -n "$rpm1" ]; then
    check "rpm -i on $h" on "$h" "rpm -i --nodeps /srv/packages/$(basename "$rpm1") > /dev/null 2>&1"
    check "the .rpm's config is root:influxdb 0640" [ "$(on "$h" "stat -c '%U:%G %a' /etc/influxdb/influxdb-meta.conf")" = "root:influxdb 640" ]
    check "the .rpm's node starts from /etc/rc.d/init.d" on "$h" \
        "cp /root/influxdb-meta.conf.edited /etc/influxdb/influxdb-meta.conf && /etc/rc.d/init.d/influxdb-meta start > /dev/null"
    check "$h answers /ping (from the .rpm)" wait_for 30 "$h /ping" api "$h" /ping
    check "ps on $h shows the guide's line (from the .rpm)" guide_ps_line "$h"
    check "rpm -e on $h" on "$h" "rpm -e influxdb-meta > /dev/null 2>&1"
    check "rpm -e stopped the node and took the binaries" on "$h" "! pgrep -x influxd-meta && test ! -e /usr/bin/influxd-meta"
fi

log "measured: package install to a node answering /ping (dpkg -i, config in place, service start): $install_to_ping ms"
echo "seed-package-netns: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
