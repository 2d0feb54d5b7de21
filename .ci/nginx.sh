#!/usr/bin/env bash
# Makes nginx available for @kit/rest-client's nginx tests (packages/rest-client/test/nginx), which
# start their own nginx processes on loopback ports with everything in a temporary directory.
# Idempotent: installs the Debian package only when nginx is not on PATH, and makes sure the system
# nginx service (which the package may start on port 80) is not running. Prints the nginx path.
set -euo pipefail

# Debian puts nginx in /usr/sbin, which is not on every PATH (e.g. a non-login shell).
case ":${PATH}:" in *:/usr/sbin:*) ;; *) export PATH="${PATH}:/usr/sbin" ;; esac

if ! command -v nginx >/dev/null 2>&1; then
  echo "ci: installing nginx" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Policy 101 tells invoke-rc.d not to start the service the package installs (containers often
  # have no init system; on a machine with one, it keeps port 80 free). Removed again afterwards.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  install_ok=0
  apt-get install -y -qq nginx >/dev/null 2>&1 && install_ok=1
  if [ "$install_ok" = 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq nginx >/dev/null && install_ok=1
  fi
  [ "$created_policy" = 1 ] && rm -f "$policy"
  [ "$install_ok" = 1 ] || { echo "ci: could not install nginx" >&2; exit 1; }
fi

# Whatever started it (the package's postinst, an init system, an earlier run), the system nginx
# must not hold port 80: the tests run their own instances.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop nginx >/dev/null 2>&1 || true
  systemctl disable nginx >/dev/null 2>&1 || true
fi
for pidfile in /run/nginx.pid /var/run/nginx.pid; do
  if [ -s "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    # Only a process that really is nginx's master (pid files outlive their processes).
    if [ -r "/proc/${pid}/cmdline" ] && tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q '^nginx: master'; then
      kill -QUIT "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
done

command -v nginx
