#!/bin/sh
# `movibot doctor` as the service runs: the movibot user, its configuration and the password
# handed over as the unit's credential (LoadCredential). Run as root; exit 0 when every check
# passes, 1 otherwise.
exec systemd-run --quiet --wait --pipe --collect --uid=movibot --gid=movibot \
  --property=LoadCredential=password:/etc/movibot/password \
  --property=StateDirectory=movibot --working-directory=/var/lib/movibot \
  --setenv=MOVIBOT_CONFIG=/etc/movibot/movibot.yaml \
  /opt/movibot/venv/bin/movibot doctor "$@"
