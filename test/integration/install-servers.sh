#!/usr/bin/env bash
# Installs the Debian packages the integration tests start for real (no daemon is started here).
set -euo pipefail
packages=(kea-dhcp4-server kea-dhcp6-server kea-ctrl-agent kea-admin isc-dhcp-server isc-dhcp-client dnsmasq-base socat tmux iproute2)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-servers: missing ${missing[*]} and not root; integration tests that need them will skip" >&2
	exit 0
fi
echo "install-servers: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
