#!/usr/bin/env bash
# Issue #8, items 1 and 2: GET /reset-passphrase rendered by relink, against nginx serving a
# saved copy of the same HTML as a static file, and against the same page rendered by Express +
# Nunjucks with nhsuk-frontend's own templates (bench/express; one process, as typically
# deployed, and a 2-worker cluster for all the cores). Same machine, same wrk settings, one after
# another. relink and nginx alternate for several rounds, since nginx alone moves by 25% from one
# run to the next on this shared machine: each round's ratio is reported, and their median.
# Loopback only. Usage: bench/ssr.sh [seconds per server, default 15] [connections, 64] [rounds, 3]
source "$(dirname "$0")/../scripts/lib.sh"
seconds="${1:-15}"
connections="${2:-64}"
rounds="${3:-3}"
port="${RELINK_BENCH_PORT:-3940}"

apt_install nginx wrk curl
"$ROOT/scripts/build.sh" >/dev/null
work="$(mktemp -d)"
chmod 755 "$work"   # nginx's workers run as another user
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

DATABASE_URL="sqlite://$work/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  "$ROOT/target/release/relink" >"$work/relink.log" 2>&1 &
pids+=($!)
wait_ready "127.0.0.1:$port"
curl -fsS "http://127.0.0.1:$port/reset-passphrase" >"$work/reset-passphrase.html"
chmod 644 "$work/reset-passphrase.html"

cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  # nginx at its best for one static file: kept open between requests instead of opened, read
  # and closed for each (open_file_cache), and keep-alive connections not closed after 1,000
  # requests (relink never closes them). Its defaults served 18-28% fewer requests/s here.
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  keepalive_requests 1000000;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$((port + 1));
    location = /reset-passphrase { default_type text/html; alias $work/reset-passphrase.html; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
pids+=($!)
NODE_ENV=production node "$ROOT/bench/express/server.js" "$((port + 2))" 1 >"$work/node1.log" 2>&1 &
pids+=($!)
NODE_ENV=production node "$ROOT/bench/express/server.js" "$((port + 3))" 2 >"$work/node2.log" 2>&1 &
pids+=($!)
for p in 1 2 3; do
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$((port + p))/reset-passphrase" && break; sleep 0.1; done
done

# Prints "requests/s p50_ms p99_ms" for one server (after a 3 s warm-up).
measure() {
  wrk -t2 -c"$connections" -d3s "$1" >/dev/null
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^Requests\/sec/ { rps = $2 } / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
    END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}

say "wrk -t2 -c$connections -d${seconds}s on each, one after another; relink and nginx $rounds times"
ratios=()
for round in $(seq 1 "$rounds"); do
  read -r r_rps r_p50 r_p99 < <(measure "http://127.0.0.1:$port/reset-passphrase")
  read -r n_rps n_p50 n_p99 < <(measure "http://127.0.0.1:$((port + 1))/reset-passphrase")
  ratio=$(awk -v r="$r_rps" -v n="$n_rps" 'BEGIN { printf "%.0f", 100 * r / n }')
  ratios+=("$ratio")
  echo "round $round: relink $r_rps requests/s (p50 $r_p50 ms, p99 $r_p99 ms); nginx $n_rps (p50 $n_p50 ms, p99 $n_p99 ms); relink / nginx $ratio%"
  relink_rps=$r_rps relink_p50=$r_p50 relink_p99=$r_p99 nginx_rps=$n_rps nginx_p50=$n_p50 nginx_p99=$n_p99
done
read -r node1_rps node1_p50 node1_p99 < <(measure "http://127.0.0.1:$((port + 2))/reset-passphrase")
read -r node2_rps node2_p50 node2_p99 < <(measure "http://127.0.0.1:$((port + 3))/reset-passphrase")

printf '\n| server (last round) | requests/s | p50 ms | p99 ms | relink throughput ÷ this |\n|---|---|---|---|---|\n'
row() { awk -v n="$1" -v r="$2" -v a="$3" -v b="$4" -v base="$relink_rps" \
  'BEGIN { printf "| %s | %d | %.2f | %.2f | %.2f |\n", n, r, a, b, base / r }'; }
row "relink (server-side rendering)" "$relink_rps" "$relink_p50" "$relink_p99"
row "nginx, saved copy (static file)" "$nginx_rps" "$nginx_p50" "$nginx_p99"
row "Express + Nunjucks, 1 process" "$node1_rps" "$node1_p50" "$node1_p99"
row "Express + Nunjucks, 2-worker cluster" "$node2_rps" "$node2_p50" "$node2_p99"
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo
echo "relink / nginx static, each round: ${ratios[*]} (%); median $median% (budget >= 60%)"
awk -v r="$relink_rps" -v e="$node1_rps" -v c="$node2_rps" 'BEGIN {
  printf "relink / Express 1 process: %.1fx; / Express 2 workers: %.1fx (budget >= 5x at equal or lower p99)\n", r / e, r / c }'
