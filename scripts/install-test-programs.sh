#!/bin/sh
# Installs the Debian/Ubuntu programs the tests run against our generated configuration (postgres,
# pgbouncer, redis-server, promtool, amtool, haproxy, cloud-init, shellcheck, yamllint; python3 and
# the Barman Cloud tools for the restore check's fetch), listed in scripts/test-programs.txt. Idempotent: installs only what is missing, as root or through sudo.
set -eu
cd "$(dirname "$0")"
list=test-programs.txt
missing=""
while read -r package; do
  case "$package" in "" | "#"*) continue ;; esac
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $package"
done <"$list"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-test-programs: run as root or install sudo; missing:$missing" >&2
  exit 1
fi
echo "install-test-programs: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
