#!/bin/sh
# Debian packages the Makefile needs before Python can take over:
# python3-venv (Debian's python3 lacks ensurepip) and, with --browser, chromium for
# the browser tests. PostgreSQL, PostGIS and Redis are installed by `crowdgov services up`.
set -e
need=""
python3 -c 'import ensurepip' 2>/dev/null || need="$need python3-venv"
if [ "$1" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || need="$need chromium"
  # Chinese text in browser screenshots needs a CJK font.
  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Please install:$need   (sudo apt-get install -y$need)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $need
