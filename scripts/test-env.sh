#!/usr/bin/env bash
# Corral's test environment: a private Docker Engine, three OCI registries and a token server, all on
# loopback, all state under one directory.
#
#   eval "$(scripts/test-env.sh start)"   # starts (or reuses) everything, prints `export VAR=...` lines
#   scripts/test-env.sh status            # exit 0 when every component is running
#   scripts/test-env.sh stop              # stops what `start` started (by pidfile)
#   scripts/test-env.sh clean             # stop, then delete the state dir except cache/
#
# State dir: $CORRAL_TEST_ENV_DIR, default <repo>/.test-env (git-ignored). Logs: <state>/logs/.
# stdout carries only the export lines; diagnostics go to stderr.
#
# Components and the variables they export:
#   docker      CORRAL_TEST_DOCKER_HOST            dockerd, vfs, no networking (containers: --network none)
#   pki         CORRAL_TEST_REGISTRY_CA            self-signed CA + server cert for 127.0.0.1/localhost
#   registry A  CORRAL_TEST_REGISTRY{,_USER,_PASSWORD}   TLS + htpasswd (bcrypt)
#   registry B  CORRAL_TEST_REGISTRY_PLAIN         plain HTTP, anonymous
#   registry C  CORRAL_TEST_REGISTRY_TOKEN, CORRAL_TEST_TOKEN_{REALM_PORT,KEY,CERT,ISSUER,SERVICE,USER,PASSWORD}
#               TLS + token auth; the token server (test/helpers/token-server.ts) runs on REALM_PORT
#   postgres    CORRAL_TEST_POSTGRES               URL of a database a test may CREATE DATABASE from: the
#               machine's server on 127.0.0.1:5432 when it answers, else a private cluster we start
# When a component cannot be started: with CI=true the script fails; otherwise it warns and leaves that
# component's variables out, so tests that need them skip (test/helpers/env.ts).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${CORRAL_TEST_ENV_DIR:-$ROOT/.test-env}
LOGS=$DIR/logs
PKI=$DIR/pki
REG_USER=corral
TOKEN_ISSUER=corral-test-token-issuer
TOKEN_SERVICE=corral-test-registry
SELFTEST_REPO=corral-selftest/tiny
STARTUP_TIMEOUT_S=60
STOP_TIMEOUT_S=30
IS_CI=${CI:-false}

log() { printf 'test-env: %s\n' "$*" >&2; }

# A component failed: fatal under CI=true, a warning otherwise (its variables are then omitted).
component_failed() {
  local component=$1 message=$2 logfile=${3:-}
  if [[ -n $logfile && -f $logfile ]]; then
    log "last lines of $logfile:"
    tail -n 15 "$logfile" | sed 's/^/    /' >&2
  fi
  if [[ $IS_CI == true ]]; then
    log "ERROR: $component: $message (CI=true, so this is fatal)"
    exit 1
  fi
  log "WARNING: $component: $message; its variables are omitted and the tests that need it will skip"
}

# ---------------------------------------------------------------------------------------------------
# Tools: install what is missing from Debian, once, quietly.

declare -A TOOL_PACKAGE=(
  [dockerd]=docker.io [docker]=docker.io [docker-registry]=docker-registry [skopeo]=skopeo
  [umoci]=umoci [debootstrap]=debootstrap [htpasswd]=apache2-utils [openssl]=openssl
  [zstd]=zstd [curl]=curl [flock]=util-linux
  [psql]=postgresql-client [pg_isready]=postgresql-client [/usr/lib/postgresql]=postgresql
  [rpm]=rpm [rpmbuild]=rpm [db5.3_load]=db5.3-util
  # catalog fixtures: Go, C, cargo-auditable and jar builds, and real binaries for the binary classifier
  # (a key starting with / is a file that must exist rather than a command)
  [go]=golang-go [gcc]=gcc [objcopy]=binutils [readelf]=binutils [jar]=default-jdk-headless [cargo]=cargo
  [busybox]=busybox-static [/usr/bin/python3.11]=python3.11
  [/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0]=libpython3.11
)

ensure_tools() {
  local missing=() tool
  for tool in "${!TOOL_PACKAGE[@]}"; do
    if [[ $tool == /* ]]; then [[ -e $tool ]] && continue; elif command -v "$tool" >/dev/null 2>&1; then continue; fi
    missing+=("${TOOL_PACKAGE[$tool]}")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  log "installing missing packages: ${missing[*]} (log: $LOGS/apt.log)"
  if [[ $(id -u) != 0 ]]; then
    component_failed tools "packages ${missing[*]} are missing and installing them needs root"
    return 0
  fi
  # Keep package scripts from starting a system-wide dockerd (with bridge networking) as a side effect.
  local policy=/usr/sbin/policy-rc.d own_policy=no rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=yes
  fi
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >>"$LOGS/apt.log" 2>&1 || rc=$?
  if [[ $own_policy == yes ]]; then rm -f "$policy"; fi
  if ((rc != 0)); then component_failed tools "apt-get install ${missing[*]} failed" "$LOGS/apt.log"; fi
}

need() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------------
# Process helpers

# pid_alive PIDFILE: the recorded process runs and is one of ours (pids get reused: check its name).
pid_alive() {
  local pid comm
  [[ -f $1 ]] || return 1
  pid=$(cat "$1" 2>/dev/null)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  # A zombie (our own child that exited) is not alive.
  [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  case $comm in
    dockerd | containerd | docker-registry | node | nohup) return 0 ;;
    *) return 1 ;;
  esac
}

stop_pidfile() {
  local pidfile=$1 pid i
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if pid_alive "$pidfile"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
      pid_alive "$pidfile" || break
      sleep 0.1
    done
    if pid_alive "$pidfile"; then
      log "pid $pid ($pidfile) ignored SIGTERM for ${STOP_TIMEOUT_S}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# Starts "$@" detached from our stdout (so `$(test-env.sh start)` does not wait for it).
spawn() {
  local pidfile=$1 logfile=$2
  shift 2
  # fd 9 is the state-dir lock: daemons must not inherit it.
  nohup "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $! >"$pidfile"
}

# Prints N distinct free TCP ports on 127.0.0.1.
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]);
    const servers = [];
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        servers.push(s);
        if (servers.length === n) {
          console.log(servers.map((x) => x.address().port).join(" "));
          servers.forEach((x) => x.close());
        }
      });
    }' "$1"
}

# wait_until TIMEOUT_S PIDFILE CMD...: polls CMD until it succeeds, the process dies, or time runs out.
wait_until() {
  local timeout=$1 pidfile=$2 i
  shift 2
  for ((i = 0; i < timeout * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    pid_alive "$pidfile" || return 1
    sleep 0.2
  done
  return 1
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
expect_status() {
  local want=$1
  shift
  [[ $(http_status "$@") == "$want" ]]
}

# ---------------------------------------------------------------------------------------------------
# PKI: a CA, a server cert for 127.0.0.1/localhost, and the token signing key + its self-signed cert.

ensure_pki() {
  mkdir -p "$PKI"
  if [[ ! -f $PKI/server.pem || ! -f $PKI/ca.pem ]]; then
    log "generating CA and server certificate in $PKI"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -keyout "$PKI/ca.key" -out "$PKI/ca.pem" -subj '/CN=Corral Test CA' \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
      >>"$LOGS/pki.log" 2>&1 || return 1
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$PKI/server.key" -out "$PKI/server.csr" -subj '/CN=localhost' >>"$LOGS/pki.log" 2>&1 || return 1
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' 'subjectAltName=IP:127.0.0.1,DNS:localhost' >"$PKI/server.ext"
    openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
      -days 3650 -extfile "$PKI/server.ext" -out "$PKI/server.pem" >>"$LOGS/pki.log" 2>&1 || return 1
  fi
  if [[ ! -f $PKI/token.pem ]]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/token.key" >>"$LOGS/pki.log" 2>&1 || return 1
    openssl req -x509 -key "$PKI/token.key" -days 3650 -subj "/CN=$TOKEN_ISSUER" -out "$PKI/token.pem" \
      >>"$LOGS/pki.log" 2>&1 || return 1
  fi
  # skopeo/containers-image read CAs from a directory of *.crt files.
  mkdir -p "$PKI/certs.d" && cp "$PKI/ca.pem" "$PKI/certs.d/ca.crt"
}

ensure_password() {
  mkdir -p "$DIR/secrets"
  chmod 700 "$DIR/secrets"
  [[ -s $DIR/secrets/registry-password ]] || openssl rand -hex 16 >"$DIR/secrets/registry-password"
  REG_PASSWORD=$(cat "$DIR/secrets/registry-password")
}

# ---------------------------------------------------------------------------------------------------
# Docker Engine

# Unix socket paths are limited to 108 bytes; containerd's sockets live deep under the exec root.
docker_run_dir() {
  local probe="$DIR/docker-exec/containerd/containerd.sock.ttrpc"
  if ((${#probe} < 100)); then
    echo "$DIR"
  else
    echo "/tmp/corral-test-env-$(printf '%s' "$DIR" | sha256sum | cut -c1-12)"
  fi
}

docker_ok() { docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1; }

start_docker() {
  local run pidfile=$DIR/docker.pid logfile=$LOGS/dockerd.log
  run=$(docker_run_dir)
  DOCKER_SOCK=$run/docker.sock
  if pid_alive "$pidfile" && docker_ok; then
    log "docker: reusing running dockerd (pid $(cat "$pidfile"))"
    return 0
  fi
  if ! need dockerd || ! need docker; then
    component_failed docker "dockerd/docker not installed"
    return 1
  fi
  stop_pidfile "$pidfile"
  mkdir -p "$run" "$DIR/docker-data"
  echo '{}' >"$DIR/dockerd.json"
  echo "$run" >"$DIR/docker-run-dir"
  # $DIR/docker.pid (written by spawn) and dockerd's own --pidfile name the same process, but must be
  # different files: dockerd refuses to start when its pidfile already names a live process.
  spawn "$pidfile" "$logfile" dockerd \
    --config-file "$DIR/dockerd.json" \
    --storage-driver=vfs --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    --containerd-namespace corral-test --containerd-plugins-namespace corral-test-plugins \
    -H "unix://$DOCKER_SOCK" --data-root "$DIR/docker-data" --exec-root "$run/docker-exec" \
    --pidfile "$run/dockerd.pid"
  if ! wait_until "$STARTUP_TIMEOUT_S" "$pidfile" docker_ok; then
    stop_pidfile "$pidfile"
    component_failed docker "dockerd did not answer on $DOCKER_SOCK within ${STARTUP_TIMEOUT_S}s" "$logfile"
    return 1
  fi
  log "docker: dockerd running (pid $(cat "$pidfile"))"
}

# ---------------------------------------------------------------------------------------------------
# Registries (CNCF distribution 2.8, `docker-registry serve CONFIG`)

# write_registry_config NAME PORT AUTH_YAML TLS(yes|no)
write_registry_config() {
  local name=$1 port=$2 auth=$3 tls=$4 base=$DIR/$1
  mkdir -p "$base/data"
  {
    echo 'version: 0.1'
    echo 'log:'
    echo '  level: info'
    echo '  accesslog:'
    echo '    disabled: false'
    echo 'storage:'
    echo '  filesystem:'
    echo "    rootdirectory: $base/data"
    echo '  delete:'
    echo '    enabled: true'
    echo '  cache:'
    echo '    blobdescriptor: inmemory'
    echo 'http:'
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: $(openssl rand -hex 16)"
    if [[ $tls == yes ]]; then
      echo '  tls:'
      echo "    certificate: $PKI/server.pem"
      echo "    key: $PKI/server.key"
    fi
    printf '%s' "$auth"
  } >"$base/config.yml"
  echo "$port" >"$base/port"
}

registry_health() {
  local name=$1 want=$2 port
  port=$(cat "$DIR/$name/port" 2>/dev/null) || return 1
  case $name in
    registry-plain) expect_status "$want" "http://127.0.0.1:$port/v2/" ;;
    *) expect_status "$want" --cacert "$PKI/ca.pem" "https://127.0.0.1:$port/v2/" ;;
  esac
}

# launch_registry NAME EXPECTED_V2_STATUS
launch_registry() {
  local name=$1 want=$2 pidfile=$DIR/$1/pid logfile=$LOGS/$1.log
  spawn "$pidfile" "$logfile" docker-registry serve "$DIR/$name/config.yml"
  if ! wait_until "$STARTUP_TIMEOUT_S" "$pidfile" registry_health "$name" "$want"; then
    stop_pidfile "$pidfile"
    component_failed "$name" "registry did not answer $want on /v2/" "$logfile"
    return 1
  fi
  log "$name: listening on 127.0.0.1:$(cat "$DIR/$name/port") (pid $(cat "$pidfile"))"
}

# The tiny OCI image pushed to every registry to prove it works; built once with umoci.
ensure_seed_image() {
  local seed=$DIR/seed
  [[ -f $seed/index.json ]] && umoci stat --image "$seed:tiny" >/dev/null 2>&1 && return 0
  rm -rf "$seed" "$DIR/seed-bundle"
  {
    umoci init --layout "$seed" &&
      umoci new --image "$seed:tiny" &&
      umoci unpack --image "$seed:tiny" "$DIR/seed-bundle" &&
      echo 'corral test-env self-test' >"$DIR/seed-bundle/rootfs/hello.txt" &&
      umoci repack --image "$seed:tiny" "$DIR/seed-bundle"
  } >>"$LOGS/seed.log" 2>&1
  local rc=$?
  rm -rf "$DIR/seed-bundle"
  return $rc
}

# selftest NAME HOSTPORT [skopeo dest options...]
selftest_push() {
  local name=$1 hostport=$2
  shift 2
  if ! ensure_seed_image; then
    component_failed "$name" "could not build the self-test image with umoci" "$LOGS/seed.log"
    return 1
  fi
  if ! skopeo --insecure-policy copy --quiet "$@" "oci:$DIR/seed:tiny" \
    "docker://$hostport/$SELFTEST_REPO:latest" >>"$LOGS/selftest.log" 2>&1; then
    component_failed "$name" "skopeo copy to $hostport failed" "$LOGS/selftest.log"
    return 1
  fi
}

start_registry_auth() {
  local name=registry-auth port
  if pid_alive "$DIR/$name/pid" && registry_health "$name" 401; then
    log "$name: reusing 127.0.0.1:$(cat "$DIR/$name/port")"
    return 0
  fi
  stop_pidfile "$DIR/$name/pid"
  mkdir -p "$DIR/$name"
  htpasswd -Bbn "$REG_USER" "$REG_PASSWORD" >"$DIR/$name/htpasswd" 2>>"$LOGS/$name.log"
  port=$(free_ports 1)
  write_registry_config "$name" "$port" "auth:
  htpasswd:
    realm: corral-test
    path: $DIR/$name/htpasswd
" yes
  launch_registry "$name" 401 || return 1
  selftest_push "$name" "127.0.0.1:$port" --dest-cert-dir "$PKI/certs.d" \
    --dest-creds "$REG_USER:$REG_PASSWORD" || {
    stop_pidfile "$DIR/$name/pid"
    return 1
  }
}

start_registry_plain() {
  local name=registry-plain port
  if pid_alive "$DIR/$name/pid" && registry_health "$name" 200; then
    log "$name: reusing 127.0.0.1:$(cat "$DIR/$name/port")"
    return 0
  fi
  stop_pidfile "$DIR/$name/pid"
  port=$(free_ports 1)
  write_registry_config "$name" "$port" "" no
  launch_registry "$name" 200 || return 1
  selftest_push "$name" "127.0.0.1:$port" --dest-tls-verify=false || {
    stop_pidfile "$DIR/$name/pid"
    return 1
  }
}

token_server_health() { expect_status 200 "http://127.0.0.1:$1/healthz"; }

start_token_server() {
  local port=$1 pidfile=$DIR/token-server/pid logfile=$LOGS/token-server.log
  mkdir -p "$DIR/token-server"
  echo "$port" >"$DIR/token-server/port"
  if [[ ! -d $ROOT/node_modules/tsx ]]; then
    component_failed token-server "tsx is not installed (run npm ci first)"
    return 1
  fi
  (
    cd "$ROOT"
    export CORRAL_TOKEN_DAEMON_PORT=$port CORRAL_TOKEN_DAEMON_KEY=$PKI/token.key \
      CORRAL_TOKEN_DAEMON_CERT=$PKI/token.pem CORRAL_TOKEN_DAEMON_ISSUER=$TOKEN_ISSUER \
      CORRAL_TOKEN_DAEMON_SERVICE=$TOKEN_SERVICE CORRAL_TOKEN_DAEMON_USER=$REG_USER \
      CORRAL_TOKEN_DAEMON_PASSWORD=$REG_PASSWORD
    spawn "$pidfile" "$logfile" node --import tsx test/helpers/token-server-daemon.ts
  )
  if ! wait_until "$STARTUP_TIMEOUT_S" "$pidfile" token_server_health "$port"; then
    stop_pidfile "$pidfile"
    component_failed token-server "token server did not answer on 127.0.0.1:$port" "$logfile"
    return 1
  fi
  log "token-server: listening on 127.0.0.1:$port (pid $(cat "$pidfile"))"
}

start_registry_token() {
  local name=registry-token port token_port
  if pid_alive "$DIR/$name/pid" && registry_health "$name" 401 &&
    pid_alive "$DIR/token-server/pid" && token_server_health "$(cat "$DIR/token-server/port")"; then
    log "$name: reusing 127.0.0.1:$(cat "$DIR/$name/port") (realm port $(cat "$DIR/token-server/port"))"
    return 0
  fi
  # The realm URL is baked into the registry config: restart both together.
  stop_pidfile "$DIR/$name/pid"
  stop_pidfile "$DIR/token-server/pid"
  read -r port token_port <<<"$(free_ports 2)"
  start_token_server "$token_port" || return 1
  write_registry_config "$name" "$port" "auth:
  token:
    realm: http://127.0.0.1:$token_port/token
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $PKI/token.pem
" yes
  launch_registry "$name" 401 || {
    stop_pidfile "$DIR/token-server/pid"
    return 1
  }
  selftest_push "$name" "127.0.0.1:$port" --dest-cert-dir "$PKI/certs.d" \
    --dest-creds "$REG_USER:$REG_PASSWORD" || {
    stop_pidfile "$DIR/$name/pid"
    stop_pidfile "$DIR/token-server/pid"
    return 1
  }
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL: reuse the machine's server on 127.0.0.1:5432 (trust auth), else run a private cluster
# under $DIR/postgres as the `postgres` user on a free port (CORRAL_TEST_PG_PRIVATE=1 forces that).

PG_URL=
pg_answers() { pg_isready -q -h 127.0.0.1 -p "$1" 2>/dev/null; }

start_postgres() {
  if ! need pg_isready || ! need psql; then
    component_failed postgres "pg_isready/psql are missing (apt-get install postgresql)"
    return 1
  fi
  local port
  if [[ ${CORRAL_TEST_PG_PRIVATE:-} != 1 ]] && pg_answers 5432 && psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    port=5432
    log "postgres: reusing 127.0.0.1:5432"
  else
    local bin data=$DIR/postgres/data pidfile=$DIR/postgres/pid
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z $bin ]]; then
      component_failed postgres "no PostgreSQL server binaries under /usr/lib/postgresql"
      return 1
    fi
    mkdir -p "$DIR/postgres"
    if [[ -f $DIR/postgres/port ]] && pg_answers "$(cat "$DIR/postgres/port")"; then
      port=$(cat "$DIR/postgres/port")
      log "postgres: reusing private cluster on 127.0.0.1:$port"
    else
      port=$(free_ports 1)
      chown postgres "$DIR/postgres" 2>/dev/null || true
      if [[ ! -f $data/PG_VERSION ]]; then
        runuser -u postgres -- "$bin/initdb" -D "$data" -A trust -U postgres >"$LOGS/postgres-initdb.log" 2>&1 || {
          component_failed postgres "initdb failed" "$LOGS/postgres-initdb.log"
          return 1
        }
      fi
      runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$DIR/postgres/server.log" -w -t "$STARTUP_TIMEOUT_S" \
        -o "-p $port -k $DIR/postgres -c listen_addresses=127.0.0.1 -c max_connections=200" start \
        </dev/null >"$LOGS/postgres.log" 2>&1 9>&- || {
        component_failed postgres "pg_ctl start failed" "$DIR/postgres/server.log"
        return 1
      }
      echo "$port" >"$DIR/postgres/port"
      head -n 1 "$data/postmaster.pid" >"$pidfile"
      log "postgres: private cluster on 127.0.0.1:$port (pid $(cat "$pidfile"))"
    fi
  fi
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "select 1 from pg_database where datname = 'corral_test'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc 'create database corral_test' >/dev/null 2>&1 || true
  fi
  PG_URL="postgres://postgres@127.0.0.1:$port/corral_test"
}

# ---------------------------------------------------------------------------------------------------
# Commands

emit() { printf 'export %s=%q\n' "$1" "$2"; }

cmd_start() {
  local started
  started=$(date +%s.%N)
  mkdir -p "$DIR" "$LOGS" "$DIR/cache"
  exec 9>"$DIR/.lock"
  flock 9
  ensure_tools
  local out=()
  out+=("$(emit CORRAL_TEST_ENV_DIR "$DIR")")

  if start_docker; then out+=("$(emit CORRAL_TEST_DOCKER_HOST "unix://$DOCKER_SOCK")"); fi

  local pki_ok=no
  if need openssl && ensure_pki; then
    pki_ok=yes
    out+=("$(emit CORRAL_TEST_REGISTRY_CA "$PKI/ca.pem")")
  else
    component_failed pki "openssl could not create the certificates" "$LOGS/pki.log"
  fi
  ensure_password

  local reg_tools=yes
  for t in docker-registry skopeo umoci curl htpasswd; do need "$t" || reg_tools=no; done
  if [[ $reg_tools == no ]]; then
    component_failed registries "docker-registry, skopeo, umoci, curl or htpasswd is missing"
  else
    if [[ $pki_ok == yes ]] && start_registry_auth; then
      out+=("$(emit CORRAL_TEST_REGISTRY "127.0.0.1:$(cat "$DIR/registry-auth/port")")")
      out+=("$(emit CORRAL_TEST_REGISTRY_USER "$REG_USER")")
      out+=("$(emit CORRAL_TEST_REGISTRY_PASSWORD "$REG_PASSWORD")")
    fi
    if start_registry_plain; then
      out+=("$(emit CORRAL_TEST_REGISTRY_PLAIN "127.0.0.1:$(cat "$DIR/registry-plain/port")")")
    fi
    if [[ $pki_ok == yes ]] && start_registry_token; then
      out+=("$(emit CORRAL_TEST_REGISTRY_TOKEN "127.0.0.1:$(cat "$DIR/registry-token/port")")")
      out+=("$(emit CORRAL_TEST_TOKEN_REALM_PORT "$(cat "$DIR/token-server/port")")")
      out+=("$(emit CORRAL_TEST_TOKEN_KEY "$PKI/token.key")")
      out+=("$(emit CORRAL_TEST_TOKEN_CERT "$PKI/token.pem")")
      out+=("$(emit CORRAL_TEST_TOKEN_ISSUER "$TOKEN_ISSUER")")
      out+=("$(emit CORRAL_TEST_TOKEN_SERVICE "$TOKEN_SERVICE")")
      out+=("$(emit CORRAL_TEST_TOKEN_USER "$REG_USER")")
      out+=("$(emit CORRAL_TEST_TOKEN_PASSWORD "$REG_PASSWORD")")
    fi
  fi

  if start_postgres; then out+=("$(emit CORRAL_TEST_POSTGRES "$PG_URL")"); fi

  printf '%s\n' "${out[@]}" >"$DIR/env.sh"
  printf '%s\n' "${out[@]}"
  log "ready in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s" \
    "(also written to $DIR/env.sh)"
}

# Unmounts whatever dockerd left mounted below our own directories (deepest first), nothing else.
unmount_below() {
  local base mnt
  for base in "$@"; do
    [[ -d $base ]] || continue
    base=$(realpath "$base")
    awk -v base="$base/" 'index($5, base) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mnt; do
      umount -l "$mnt" 2>/dev/null || log "could not unmount $mnt"
    done
  done
}

cmd_stop() {
  [[ -d $DIR ]] || return 0
  mkdir -p "$LOGS"
  exec 9>"$DIR/.lock"
  flock 9
  local run
  run=$(cat "$DIR/docker-run-dir" 2>/dev/null || echo "$DIR")
  stop_pidfile "$DIR/registry-token/pid"
  stop_pidfile "$DIR/token-server/pid"
  stop_pidfile "$DIR/registry-auth/pid"
  stop_pidfile "$DIR/registry-plain/pid"
  stop_pidfile "$DIR/docker.pid"
  if [[ -f $DIR/postgres/data/postmaster.pid ]]; then
    runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D "$DIR/postgres/data" \
      -m fast stop >/dev/null 2>&1 || true
  fi
  # dockerd normally stops its containerd; a SIGKILLed dockerd leaves it behind.
  stop_pidfile "$run/docker-exec/containerd/containerd.pid"
  unmount_below "$DIR" "$run"
  rm -f "$DIR/env.sh" "$run/docker.sock"
  log "stopped"
}

cmd_status() {
  local ok=0 f
  for f in docker.pid registry-auth/pid registry-plain/pid registry-token/pid token-server/pid; do
    if pid_alive "$DIR/$f"; then log "running: $f"; else
      log "not running: $f"
      ok=1
    fi
  done
  return $ok
}

cmd_clean() {
  cmd_stop
  [[ -d $DIR ]] || return 0
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name cache -exec rm -rf {} +
  log "removed state in $DIR (kept cache/)"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  clean) cmd_clean ;;
  *)
    echo "usage: $0 start|stop|status|clean" >&2
    exit 2
    ;;
esac
