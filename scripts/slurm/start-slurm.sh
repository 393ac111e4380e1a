#!/bin/sh
# Starts a single-host Slurm 22.05 (Debian bookworm packages) without systemd/cgroups, for Strata's
# integration tests and demos. Run as root. Idempotent: daemons already running are left alone.
# Origin: adapted from ../shared/tools/slurm/start-slurm.sh (slurmrestd/JWT dropped); CI and the
# tests use this copy only.
#   apt-get install -y --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge
#   (optional, for sacct)  apt-get install -y --no-install-recommends slurmdbd mariadb-server
# Usage: scripts/slurm/start-slurm.sh [STATE_DIR]      env: WITH_DBD=1 (sacct via slurmdbd+MariaDB)
#        scripts/slurm/start-slurm.sh --ctld-only [STATE_DIR]   (restart slurmctld after a stop)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CTLD_ONLY=0
if [ "${1:-}" = --ctld-only ]; then CTLD_ONLY=1; shift; fi
STATE=${1:-${TMPDIR:-/tmp}/strata-slurm}
NODE=$(hostname -s)                 # slurmd derives its NodeName from the hostname
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 512 ))
ACCT=accounting_storage/none
[ "${WITH_DBD:-0}" = 1 ] && ACCT=accounting_storage/slurmdbd

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ "$CTLD_ONLY" = 1 ]; then
  running "$STATE/slurmctld.pid" || /usr/sbin/slurmctld
  for i in $(seq 1 30); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.5; done
  exit 0
fi

mkdir -p "$STATE/ctld" "$STATE/d" /etc/slurm /run/munge
sed -e "s|@NODE@|$NODE|g" -e "s|@CPUS@|$CPUS|g" -e "s|@MEM@|$MEM|g" -e "s|@STATE@|$STATE|g" -e "s|@ACCT@|$ACCT|g" \
    "$HERE/slurm.conf.template" > /etc/slurm/slurm.conf

# --- munge (key created by the Debian package; /run/munge must exist, owned by munge)
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /run/munge /etc/munge/munge.key; chmod 0755 /run/munge; chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  su -s /bin/sh munge -c "/usr/sbin/munged --num-threads=4 --pid-file=/run/munge/munged.pid"
  sleep 1
fi
munge -n | unmunge >/dev/null && echo "munge ok"

# --- optional: MariaDB + slurmdbd (only needed for sacct / job history)
if [ "${WITH_DBD:-0}" = 1 ]; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  if [ ! -S /run/mysqld/mysqld.sock ]; then
    /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 --socket=/run/mysqld/mysqld.sock \
        --pid-file=/run/mysqld/mysqld.pid > "$STATE/mariadb.log" 2>&1 &
    for i in $(seq 1 40); do [ -S /run/mysqld/mysqld.sock ] && break; sleep 0.5; done
  fi
  mariadb -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db; CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmpw'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
  cat > /etc/slurm/slurmdbd.conf <<DBD
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
LogFile=$STATE/slurmdbd.log
PidFile=$STATE/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=slurmpw
DBD
  chmod 600 /etc/slurm/slurmdbd.conf       # slurmdbd refuses a world-readable file
  running "$STATE/slurmdbd.pid" || { /usr/sbin/slurmdbd; sleep 2; }
  sacctmgr -i add cluster localcluster >/dev/null 2>&1 || true
fi

# --- controller + node daemon (both daemonize; pid files under $STATE)
running "$STATE/slurmctld.pid" || { /usr/sbin/slurmctld; sleep 1; }
running "$STATE/slurmd.pid" || /usr/sbin/slurmd
for i in $(seq 1 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 0.5
done
sinfo
echo "pids: munged=$(cat /run/munge/munged.pid) slurmctld=$(cat "$STATE/slurmctld.pid") slurmd=$(cat "$STATE/slurmd.pid")"
