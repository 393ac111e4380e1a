#!/bin/sh
# Stops what start-slurm.sh started, by PID file (never by process name).
# Origin: adapted from ../shared/tools/slurm/stop-slurm.sh.
# Usage: scripts/slurm/stop-slurm.sh [STATE_DIR]          everything (munge included)
#        scripts/slurm/stop-slurm.sh --ctld-only [STATE_DIR]   slurmctld alone (outage tests)
CTLD_ONLY=0
if [ "${1:-}" = --ctld-only ]; then CTLD_ONLY=1; shift; fi
STATE=${1:-${TMPDIR:-/tmp}/strata-slurm}
if [ "$CTLD_ONLY" = 1 ]; then
  files="$STATE/slurmctld.pid"
else
  files="$STATE/slurmd.pid $STATE/slurmctld.pid $STATE/slurmdbd.pid /run/mysqld/mysqld.pid /run/munge/munged.pid"
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
