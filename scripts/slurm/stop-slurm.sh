#!/bin/sh
# Stops what start-slurm.sh started, by PID file (never by process name).
# Origin: adapted from ../shared/tools/slurm/stop-slurm.sh.
# Usage: scripts/slurm/stop-slurm.sh [STATE_DIR]          everything (munge included; MariaDB
#        only with WITH_DBD=1, as start-slurm.sh)
#        scripts/slurm/stop-slurm.sh --ctld-only [STATE_DIR]   slurmctld alone (outage tests)
CTLD_ONLY=0
if [ "${1:-}" = --ctld-only ]; then CTLD_ONLY=1; shift; fi
STATE=${1:-${TMPDIR:-/tmp}/strata-slurm}
if [ "$CTLD_ONLY" = 1 ]; then
  files="$STATE/slurmctld.pid"
else
  files="$STATE/slurmd.pid $STATE/slurmctld.pid $STATE/slurmdbd.pid /run/munge/munged.pid"
  # MariaDB only when start-slurm.sh started it for slurmdbd (WITH_DBD=1): on machines that run it
  # as a service of their own, it is not ours to stop.
  [ "${WITH_DBD:-0}" = 1 ] && files="$files /run/mysqld/mysqld.pid"
fi
for f in $files; do
  if [ -s "$f" ]; then
    p=$(cat "$f")
    if kill "$p" 2>/dev/null; then
      echo "stopped $f ($p)"
      for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
done
true
