#!/bin/sh
### BEGIN INIT INFO
# Provides:          influxdb-meta
# Required-Start:     $network $remote_fs $syslog
# Required-Stop:      $network $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: InfluxDB Enterprise meta node
# Description:       Runs influxd-meta, which holds the cluster metadata replicated by Raft.
### END INIT INFO
#
# /etc/init.d/influxdb-meta {start|stop|restart|force-reload|reload|status}: the service on
# systems without systemd (on those with it, `service` hands over to influxdb-meta.service).
# The node runs as influxdb with the command line
#   /usr/bin/influxd-meta -config /etc/influxdb/influxdb-meta.conf $INFLUXD_META_OPTS
# (options from /etc/default/influxdb-meta), logs to /var/log/influxdb/influxd-meta.log, and its
# process id is in /var/run/influxdb/influxd-meta.pid.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
NAME=influxdb-meta
DAEMON=/usr/bin/influxd-meta
USER=influxdb
GROUP=influxdb
CONFIG=/etc/influxdb/influxdb-meta.conf
PIDFILE=/var/run/influxdb/influxd-meta.pid
LOGFILE=/var/log/influxdb/influxd-meta.log
STOP_TIMEOUT=30
INFLUXD_META_OPTS=

if [ -r /etc/default/$NAME ]; then
    set -a
    . /etc/default/$NAME
    set +a
fi

# The running node's process id, or nothing.
running_pid() {
    [ -r "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE" 2>/dev/null)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    # A recycled process id is not ours.
    case $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) in
        "$DAEMON "*) echo "$pid" ;;
        *) return 1 ;;
    esac
}

do_start() {
    if pid=$(running_pid); then
        echo "$NAME is already running (pid $pid)"
        return 0
    fi
    [ -x "$DAEMON" ] || { echo "$NAME: $DAEMON is missing; reinstall the influxdb-meta package" >&2; return 5; }
    [ -r "$CONFIG" ] || { echo "$NAME: $CONFIG is missing; reinstall the influxdb-meta package" >&2; return 6; }
    mkdir -p "$(dirname "$PIDFILE")" "$(dirname "$LOGFILE")"
    chown "$USER:$GROUP" "$(dirname "$PIDFILE")" "$(dirname "$LOGFILE")"
    touch "$LOGFILE" && chown "$USER:$GROUP" "$LOGFILE"
    ulimit -n 65536 2>/dev/null || true
    # setsid (no fork here: a background job of this shell leads no process group) then setpriv
    # both exec, so $! is the node itself and ps shows its command line and nothing else.
    # shellcheck disable=SC2086
    setsid setpriv --reuid="$USER" --regid="$GROUP" --init-groups -- \
        "$DAEMON" -config "$CONFIG" $INFLUXD_META_OPTS >> "$LOGFILE" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$PIDFILE"
    # A node that cannot start (no license, a bad config) exits at once: report it here.
    i=0
    while [ "$i" -lt 10 ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            echo "$NAME failed to start; the end of $LOGFILE:" >&2
            tail -n 3 "$LOGFILE" >&2
            return 1
        fi
        sleep 0.1 2>/dev/null || sleep 1
        i=$((i + 1))
    done
    echo "Starting $NAME: started (pid $pid)"
}

do_stop() {
    if ! pid=$(running_pid); then
        rm -f "$PIDFILE"
        echo "$NAME is not running"
        return 0
    fi
    kill -TERM "$pid"
    waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge $((STOP_TIMEOUT * 10)) ]; then
            echo "$NAME did not stop within ${STOP_TIMEOUT}s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null
            break
        fi
        sleep 0.1 2>/dev/null || sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PIDFILE"
    echo "Stopping $NAME: stopped"
}

do_status() {
    if pid=$(running_pid); then
        echo "$NAME Process is running [ OK ] (pid $pid)"
        return 0
    fi
    if [ -f "$PIDFILE" ]; then
        echo "$NAME Process is not running [ FAILED ] (stale $PIDFILE)"
        return 1
    fi
    echo "$NAME Process is not running [ FAILED ]"
    return 3
}

case "$1" in
    start) do_start ;;
    stop) do_stop ;;
    restart | force-reload) do_stop && do_start ;;
    reload)
        if pid=$(running_pid); then
            kill -HUP "$pid" && echo "Reloading $NAME: sent SIGHUP to pid $pid"
        else
            echo "$NAME is not running" >&2
            exit 7
        fi
        ;;
    status) do_status ;;
    *)
        echo "usage: $0 {start|stop|restart|force-reload|reload|status}" >&2
        exit 2
        ;;
esac
