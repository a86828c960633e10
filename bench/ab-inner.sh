#!/usr/bin/env bash
#! Inner half of bench/ab.sh, inside its D-Bus session (unlocked keyring) and Xvfb: the portal and the rounds.
set -euo pipefail
w="$AB_WORK"
"$AB_SERVER" seed-demo --database-url "sqlite://$w/portal.db" >"$w/demo-account.json"
"$AB_SERVER" serve --database-url "sqlite://$w/portal.db" --bind 127.0.0.1:0 --demo >"$w/server.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
. scripts/portal-url.sh
url=$(portal_url "$w/server.log" "$server")
case_env() {
  local home="$w/home-$1"
  mkdir -p "$home/config" "$home/data" "$home/cache"
  echo "HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache" \
    "KONTOR_PORTAL_URL=$url KONTOR_KEYRING_SERVICE=de.kontor.ab.$1.$$"
}
unset KONTOR_DATA_DIR
m=bench/measure.py
for v in A B; do
  bin_var="AB_$v"
  env $(case_env "$v-dashboard") timeout 300 python3 "$m" signin --app "${!bin_var}" --account "$w/demo-account.json"
done
for round in $(seq 1 "$AB_ROUNDS"); do
  more=(--warmup 0 --append)
  [ "$round" = 1 ] && more=(--warmup 1)
  for case in login dashboard; do
    sel='#login-email'
    [ "$case" = dashboard ] && sel='#seats-used'
    order="A B"
    [ $((round % 2)) = 0 ] && order="B A"  # ABBA: the second of a pair ran 2–6 % faster in A/A runs
    for v in $order; do
      bin_var="AB_$v"
      env $(case_env "$v-$case") timeout 1200 python3 "$m" run --app "${!bin_var}" "${more[@]}" \
        --selector "$sel" --label "$v-$case" --runs "$AB_RUNS" --out "$w/$v-$case.json"
    done
  done
done
