#!/bin/sh
# Does a cancel on this Slurm cluster stop everything a job forked? Submits N jobs shaped like
# Strata's batch scripts (under GNU time, or bare), each forking a child that writes a file after
# 2 s; cancels each as soon as squeue says RUNNING; then counts the children that outlived the cancel.
# proctrack/linuxproc loses a few for good; pgid only the rare cancel that races the launch, which
# Slurm applies seconds late (figures in docs/executors.md).
# Usage: scripts/slurm/check-stop.sh [N] [time|bare] [DIR]    (DIR: on a file system the nodes share)
set -eu
N=${1:-20}
WRAP=${2:-time}
DIR=${3:-$(mktemp -d "${TMPDIR:-/tmp}/strata-check-stop.XXXXXX")}
case "$WRAP" in
  time) PRE="exec /usr/bin/time -o rusage --" ;;
  bare) PRE="exec" ;;
  *) echo "second argument: time or bare, not $WRAP" >&2; exit 2 ;;
esac
i=0
while [ "$i" -lt "$N" ]; do
  i=$((i + 1))
  d="$DIR/job$i"
  mkdir -p "$d"
  id=$(printf '#!/bin/sh\ncd %s || exit 1\n%s /bin/sh -c "(sleep 2; echo late > late) & sleep 60"\n' "$d" "$PRE" |
    sbatch --parsable --job-name=strata.check-stop -o /dev/null)
  tries=0
  until [ "$(squeue -h -j "$id" -o %T)" = RUNNING ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || { echo "job $id did not start within 30 s" >&2; scancel "$id"; exit 1; }
    sleep 0.05
  done
  scancel "$id"
done
sleep 4
escaped=$(find "$DIR" -name late | wc -l)
proctrack=$(scontrol show config 2>/dev/null | awk -F'= ' '/^ProctrackType/ {print $2}')
echo "proctrack=$proctrack wrap=$WRAP jobs=$N escaped=$escaped dir=$DIR"
[ "$escaped" -eq 0 ]
