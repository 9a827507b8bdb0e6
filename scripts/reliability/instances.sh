#!/usr/bin/env bash
# Several relink instances on one PostgreSQL, behind nginx (issue #7). Starts PostgreSQL if
# needed, three `relink` processes on loopback ports and nginx (Debian's package) balancing
# round robin in front, then takes patients through reset + sign-in and account replacement
# through nginx (so consecutive requests of one journey reach different instances), and checks
# that sessions, step tokens, journeys, throttling, single-use PIN documents and once-only email
# delivery hold across instances. Usage: instances.sh [patients, default 60]
source "$(dirname "$0")/../lib.sh"
patients="${1:-60}"
port="${RELINK_DRILL_PORT:-3900}"            # nginx; instances on port+1..3, SMTP on port+9
database="postgres://postgres@127.0.0.1:5432/relink_instances"

apt_install nginx curl
ensure_postgres
build_drill

work="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

say "Seeding $patients drill patients (+1 for the throttle check) on PostgreSQL"
"$drill" seed --database "$database" --patients "$((patients + 1))"
"$drill" smtp-sink --listen "127.0.0.1:$((port + 9))" --log "$work/mail.log" >/dev/null &
pids+=($!)

for i in 1 2 3; do
  DATABASE_URL="$database" LEPTOS_SITE_ADDR="127.0.0.1:$((port + i))" \
    SMTP_URL="smtp://127.0.0.1:$((port + 9))" RELINK_TRUSTED_PROXIES=127.0.0.1 \
    RELINK_PUBLIC_URL="http://127.0.0.1:$port" LEPTOS_SITE_ROOT="$ROOT/target/site" \
    "$relink" >"$work/instance$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do wait_ready "127.0.0.1:$((port + i))"; done

mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  log_format upstream '\$upstream_addr \$status \$request_method \$uri';
  access_log $work/access.log upstream;
  upstream relink {
    server 127.0.0.1:$((port + 1));
    server 127.0.0.1:$((port + 2));
    server 127.0.0.1:$((port + 3));
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://relink;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
pids+=($!)
wait_ready "127.0.0.1:$port"

say "Journeys through nginx"
: >"$work/acks"
"$drill" journeys --base "http://127.0.0.1:$port" --mail-log "$work/mail.log" \
  --acks "$work/acks" --count "$patients" --workers 6 --mode instances
say "Requests per instance (nginx access log)"
awk '{ print $1 }' "$work/access.log" | sort | uniq -c
say "Invariants"
"$drill" check --database "$database" --mail-log "$work/mail.log" --acks "$work/acks" \
  --no-repeats --drain-seconds 60
say "Emails delivered per instance"
grep -h "email delivered" "$work"/instance*.log | wc -l | xargs echo "total:"
for i in 1 2 3; do echo "instance $i: $(grep -c 'email delivered' "$work/instance$i.log" || true)"; done
