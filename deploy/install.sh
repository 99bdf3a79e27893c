#!/bin/sh
# Install movibot on a server for the units of this folder (run as root, from the checkout):
#
#   deploy/install.sh [WHAT]     WHAT: what pip installs (default: this checkout)
#
# - a system user and group `movibot` (no shell, no home of its own);
# - a venv at /opt/movibot/venv holding movibot: the path the units and the cron line name;
# - /etc/movibot/movibot.yaml (from deploy/movibot.yaml, never overwritten) and the folder for
#   the password file /etc/movibot/password (root's, mode 0600: systemd hands it to the service);
# - /var/lib/movibot (the state, the lock, the report), owned by movibot, mode 0750;
# - movibot.service and movibot.timer in /etc/systemd/system (not enabled).
#
# DESTDIR=DIR installs the files under DIR and skips the user and systemctl (CI checks the units
# against the venv this gives; a venv is not relocatable: such a tree is for checks only).
set -eu

VENV=/opt/movibot/venv
here=$(cd "$(dirname "$0")" && pwd)
what=${1:-$(dirname "$here")}
root=${DESTDIR:-}

if [ -z "$root" ] && ! getent passwd movibot >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/movibot --no-create-home \
    --shell /usr/sbin/nologin movibot
fi
owner="movibot:movibot"
[ -n "$root" ] && owner="$(id -u):$(id -g)"

python3 -m venv "$root$VENV"
"$root$VENV/bin/python" -m pip install -q --disable-pip-version-check "$what"

install -d -m 0755 "$root/etc/movibot"
if [ ! -e "$root/etc/movibot/movibot.yaml" ]; then
  install -m 0644 "$here/movibot.yaml" "$root/etc/movibot/movibot.yaml"
fi
install -d -m 0750 -o "${owner%:*}" -g "${owner#*:}" "$root/var/lib/movibot"
install -d -m 0755 "$root/etc/systemd/system"
install -m 0644 "$here/movibot.service" "$here/movibot.timer" "$root/etc/systemd/system/"

if [ -z "$root" ]; then
  systemctl daemon-reload
  cat <<'NEXT'
Installed. Next:
  1. edit /etc/movibot/movibot.yaml (site, user_agent with your contact, username);
  2. write the BotPassword: install -m 0600 /dev/null /etc/movibot/password, then put it in;
  3. check everything a run needs: deploy/doctor.sh
  4. systemctl enable --now movibot.timer
NEXT
fi
