#!/usr/bin/env bash
#! Sourced by scripts that start a portal server on port 0: `portal_url LOG PID [SECONDS]` prints the URL the
#! server logs ("listening on http://…"), waiting up to SECONDS (default 20); if the server exits or never says
#! it, prints its log to stderr and fails.
portal_url() {
  local log="$1" pid="$2" url="" _
  for _ in $(seq 1 $((${3:-20} * 10))); do
    url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n 1)
    if [ -n "$url" ]; then
      echo "$url"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the portal server did not start; its log ($log):" >&2
  cat "$log" >&2
  return 1
}
