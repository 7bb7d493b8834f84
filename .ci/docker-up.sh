#!/usr/bin/env bash
# Installs the Docker engine, compose v1 and busybox-static from Debian when missing, then starts dockerd if it is
# not answering. Idempotent: a second run only checks. These machines have no systemd, so we run the daemon ourselves.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1

need=()
# /usr/local/bin/docker (a CLI without compose or buildx) is preinstalled, so test for the daemon, not the CLI
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
[ -x /bin/busybox ] || need+=(busybox-static)   # static shell and wget for the hand-made base images
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
    setsid nohup dockerd >/var/log/dockerd-ci.log 2>&1 </dev/null &
    echo $! >/run/dockerd-ci.pid
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
fi
docker info --format 'dockerd {{.ServerVersion}} ready ({{.Driver}}, cgroup v{{.CgroupVersion}})'
