#!/usr/bin/env bash
# A throwaway Label Studio server for the integration tests of `conflictnews ls` (tests/test_labelstudio_*).
#
#   bash .ci/labelstudio.sh start    # install (once) into its own venv, start on loopback, wait for /health
#   source "${CONFLICTNEWS_LS_HOME:-/tmp/conflictnews-ls}/env.sh"   # the variables the tests read
#   pytest tests/test_labelstudio_server.py
#   bash .ci/labelstudio.sh stop     # stop the server and delete its data directory
#
# Label Studio is heavy (about 1 GB with Django and cloud SDKs): it lives in its own virtual
# environment under $CONFLICTNEWS_LS_HOME (default /tmp/conflictnews-ls, outside the repository) and
# is never a dependency of the project. The server runs offline on sqlite, bound to 127.0.0.1, with a
# fresh data directory per start and a user + legacy API token created from environment variables.
# The browser check needs Debian's chromium (apt-get install chromium) and playwright-core, which
# `install` puts into $CONFLICTNEWS_LS_HOME/node (npm; it downloads no browser).
set -euo pipefail

LS_VERSION="1.23.2"
PLAYWRIGHT_VERSION="1.65.1"
LS_HOME="${CONFLICTNEWS_LS_HOME:-/tmp/conflictnews-ls}"
PORT="${CONFLICTNEWS_LS_PORT:-8765}"
EMAIL="${CONFLICTNEWS_LS_EMAIL:-annotator@conflictnews.test}"
PASSWORD="${CONFLICTNEWS_LS_PASSWORD:-cn-test-password-1}"
TOKEN="${CONFLICTNEWS_LS_TOKEN:-cntesttoken0123456789abcdef}"
PIDFILE="$LS_HOME/server.pid"
ENVFILE="$LS_HOME/env.sh"
LOG="$LS_HOME/server.log"
PYTHON="${PYTHON:-python3}"

log() { echo "labelstudio.sh: $*" >&2; }

install_server() {
  mkdir -p "$LS_HOME"
  if [ -x "$LS_HOME/venv/bin/label-studio" ] \
     && "$LS_HOME/venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('label-studio') != '$LS_VERSION')" 2>/dev/null; then
    log "label-studio $LS_VERSION already installed in $LS_HOME/venv"
  else
    log "installing label-studio==$LS_VERSION into $LS_HOME/venv (about a minute)"
    "$PYTHON" -m venv "$LS_HOME/venv"
    "$LS_HOME/venv/bin/pip" install -q --disable-pip-version-check "label-studio==$LS_VERSION" 2>&1 \
      | grep -v "is ignored: it is neither a file nor a directory" || true
    "$LS_HOME/venv/bin/python" -c "import importlib.metadata as m; assert m.version('label-studio') == '$LS_VERSION'"
  fi
}

install_browser_driver() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    log "node/npm not found: the browser check will be skipped"
    return 0
  fi
  if [ -f "$LS_HOME/node/node_modules/playwright-core/package.json" ] \
     && grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$LS_HOME/node/node_modules/playwright-core/package.json"; then
    log "playwright-core $PLAYWRIGHT_VERSION already installed in $LS_HOME/node"
    return 0
  fi
  mkdir -p "$LS_HOME/node"
  (cd "$LS_HOME/node" && { [ -f package.json ] || echo '{"name": "conflictnews-ls-browser", "private": true}' > package.json; } \
     && npm install --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION")
}

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

write_env() {
  cat > "$ENVFILE" <<EOF
export CONFLICTNEWS_LS_URL=http://127.0.0.1:$PORT
export CONFLICTNEWS_LS_TOKEN=$TOKEN
export CONFLICTNEWS_LS_EMAIL=$EMAIL
export CONFLICTNEWS_LS_PASSWORD=$PASSWORD
export CONFLICTNEWS_LS_NODE_MODULES=$LS_HOME/node/node_modules
EOF
}

start() {
  install_server
  install_browser_driver || log "playwright-core could not be installed: the browser check will be skipped"
  if running; then
    log "already running (pid $(cat "$PIDFILE")); variables in $ENVFILE"
    write_env
    return 0
  fi
  if "$PYTHON" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"; then
    log "port $PORT is taken by another program: set CONFLICTNEWS_LS_PORT"
    exit 1
  fi
  local data
  data="$(mktemp -d "$LS_HOME/data.XXXXXX")"
  echo "$data" > "$LS_HOME/data.dir"
  log "starting Label Studio $LS_VERSION on 127.0.0.1:$PORT, data in $data"
  # setsid: the server gets its own process group, which `stop` ends as a whole (by its id).
  env LABEL_STUDIO_BASE_DATA_DIR="$data" \
      LABEL_STUDIO_USERNAME="$EMAIL" LABEL_STUDIO_PASSWORD="$PASSWORD" \
      LABEL_STUDIO_USER_TOKEN="$TOKEN" LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true \
      SENTRY_DSN= FRONTEND_SENTRY_DSN= LATEST_VERSION_CHECK=false COLLECT_ANALYTICS=false \
      LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true \
      HOME="$data" \
      setsid "$LS_HOME/venv/bin/label-studio" start --no-browser --port "$PORT" \
        --internal-host 127.0.0.1 --data-dir "$data" >"$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  local i
  for i in $(seq 1 180); do
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
      # the token is created with the user; wait until the API accepts it
      if curl -fsS -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT/api/projects/" >/dev/null 2>&1; then
        write_env
        log "up after ${i}s; run: source $ENVFILE"
        return 0
      fi
    fi
    if ! running; then
      log "the server exited; last lines of $LOG:"
      tail -n 40 "$LOG" >&2
      exit 1
    fi
    sleep 1
  done
  log "no answer from /health after 180 s; last lines of $LOG:"
  tail -n 40 "$LOG" >&2
  stop
  exit 1
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping Label Studio (process group $pid)"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
  if [ -f "$LS_HOME/data.dir" ]; then
    rm -rf "$(cat "$LS_HOME/data.dir")"
    rm -f "$LS_HOME/data.dir"
  fi
  rm -f "$ENVFILE"
}

case "${1:-}" in
  install) install_server; install_browser_driver ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE")); source $ENVFILE"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
