#!/usr/bin/env bash
# Starts a one-node Slurm on this machine (slurmctld + slurmd + munge, Debian's slurm-wlm), for the
# cluster integration test and for trying `iclc slurm --submit` without a cluster. Needs root (it
# installs the packages when missing and runs the daemons as root).
#
#   eval "$(scripts/slurm-local.sh [DIR])"    # exports SLURM_CONF; DIR defaults to /tmp/iclc-slurm
#
# Idempotent: when the Slurm of DIR already answers, it only prints the export line.
set -euo pipefail
dir=${1:-/tmp/iclc-slurm}
conf=$dir/slurm.conf
say() { echo "slurm-local: $*" >&2; }
if [ -f "$conf" ] && SLURM_CONF=$conf timeout 10 sinfo -h >/dev/null 2>&1; then
  echo "export SLURM_CONF=$conf"
  exit 0
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; }
fi
mkdir -p "$dir"/{state,spool,log}
host=$(hostname)
# The node's memory in MB, so jobs that ask for --mem can be placed.
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 ))
cat > "$conf" <<CONF
ClusterName=iclc
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p /etc/munge /var/log/munge /run/munge /var/lib/munge
[ -f /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
chmod 400 /etc/munge/munge.key
chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
pgrep -x munged >/dev/null || munged --force
export SLURM_CONF=$conf
# A controller or node daemon of an earlier configuration would not read this one.
pkill -x slurmctld 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
sleep 1
slurmctld
slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then
    say "one-node Slurm up ($(nproc) CPUs, partition debug); logs in $dir/log"
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 1
done
say "Slurm did not come up; see $dir/log"
exit 1
