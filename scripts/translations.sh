#!/bin/sh
# Compile every area's catalogue (backend/translations, backend/<area>/translations, bot/translations).
set -e
for dir in backend/translations backend/*/translations bot/translations; do
  [ -f "$dir/zh_Hans/LC_MESSAGES/messages.po" ] || continue
  "$1" compile -f -d "$dir" 2>&1 | grep -v "^compiling catalog" || true
done
