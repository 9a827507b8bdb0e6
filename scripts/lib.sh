# Shared helpers for the scripts in this folder. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    say "Installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# PostgreSQL on 127.0.0.1:5432: started (or installed, then started) if nothing answers there.
ensure_postgres() {
  postgres_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
  if ! postgres_up; then
    ls /etc/postgresql/*/main >/dev/null 2>&1 || apt_install postgresql
    say "Starting PostgreSQL"
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
    postgres_up || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  fi
}

# Waits up to 30 s for http://$1/readyz to answer 200.
wait_ready() {
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://$1/readyz" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing ready at $1" >&2
  return 1
}

# Builds the relink server and the reliability drill (examples/drill.rs) and sets $relink and
# $drill. Release unless RELINK_DRILL_PROFILE=dev (quicker to build, for working on the drills).
build_drill() {
  local profile="${RELINK_DRILL_PROFILE:-release}" dir=release
  [ "$profile" = dev ] && dir=debug
  say "Building relink and the drill ($profile)"
  # Two commands, as scripts/build.sh builds the server: the same artifacts are reused.
  cargo build --profile "$profile" --quiet -p relink
  cargo build --profile "$profile" --quiet --example drill
  relink="$ROOT/target/$dir/relink"
  drill="$ROOT/target/$dir/examples/drill"
}

# Builds the PDS rate drill (examples/pds_refresh_drill.rs) and sets $pds_drill. Release unless
# RELINK_DRILL_PROFILE=dev, as build_drill. It needs no relink server: it runs the refresh itself.
build_pds_drill() {
  local profile="${RELINK_DRILL_PROFILE:-release}" dir=release
  [ "$profile" = dev ] && dir=debug
  say "Building the PDS rate drill ($profile)"
  cargo build --profile "$profile" --quiet --example pds_refresh_drill
  pds_drill="$ROOT/target/$dir/examples/pds_refresh_drill"
}
