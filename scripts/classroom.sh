#!/usr/bin/env bash
# The classroom registry of docs/teaching.md, on this machine: the teacher's
# laptop on the classroom Wi-Fi, played by a network namespace of its own
# (numbers-classroom, 10.231.5.2) joined to the host by a veth pair, as the
# engines of scripts/engines.sh are. Every engine reaches it by the same
# address: the host's Docker 20.10 through the veth, the others through
# theirs and the host's routing.
#
# One storage, two doors (Debian's docker-registry, the registry that
# `registry:2` runs):
#   10.231.5.2:5000  the students' door: anonymous, read-only (a push is
#                    refused whoever sends it);
#   10.231.5.2:5001  the teacher's door: htpasswd, read-write. The registry's
#                    htpasswd auth covers pulls too, hence two doors rather
#                    than one: the students never need a password.
#
# Usage (as root):
#   bash scripts/classroom.sh start      install docker-registry and apache2-utils if
#                                        missing, start both doors (idempotent)
#   bash scripts/classroom.sh stop       stop them, remove the namespace (the storage stays)
#   bash scripts/classroom.sh status     one line per door
#   bash scripts/classroom.sh address    the students' door, 10.231.5.2:5000
#   bash scripts/classroom.sh teacher    the teacher's door, 10.231.5.2:5001
#   bash scripts/classroom.sh password   the teacher's password (made at the first start)
#   CLASSROOM_DIR=/var/lib/numbers-classroom   storage, htpasswd, the doors' configuration
#
# The engines trust both doors as plain HTTP registries: Docker through
# daemon.json's insecure-registries (scripts/install-docker.sh for the host,
# scripts/engines.sh for Docker 28), Podman 5.8 through a registries.conf
# drop-in (scripts/engines.sh): the same steps docs/teaching.md gives a
# student.
set -euo pipefail

CLASSROOM_DIR="${CLASSROOM_DIR:-/var/lib/numbers-classroom}"
RUN=/run/numbers-classroom
NETNS=numbers-classroom
VETH=nx-classroom
NET=10.231.5
ADDRESS="$NET.2"
STUDENTS_PORT=5000
TEACHER_PORT=5001
TEACHER=teacher
TIMEOUT="${CLASSROOM_TIMEOUT:-60}"

log() { printf '[classroom] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_packages() {
  local missing=() p
  for p in docker-registry apache2-utils curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  log "installing: ${missing[*]}"
  apt-get update -qq
  # policy-rc.d may refuse the package's own service start: we start it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_netns() {
  [ -e "/run/netns/$NETNS" ] || ip netns add "$NETNS"
  if ! ip link show "$VETH" >/dev/null 2>&1; then
    ip link add "$VETH" type veth peer name eth0 netns "$NETNS"
    ip addr add "$NET.1/24" dev "$VETH"
    ip link set "$VETH" up
    ip -n "$NETNS" addr add "$ADDRESS/24" dev eth0
    ip -n "$NETNS" link set lo up
    ip -n "$NETNS" link set eth0 up
    # The engines' namespaces reach it through the host (their default
    # route); their own NAT makes them 10.231.5.1 here.
    ip -n "$NETNS" route add default via "$NET.1"
  fi
  sysctl -q -w net.ipv4.ip_forward=1
  # The host's dockerd sets FORWARD's policy to DROP: let the engines'
  # traffic in to the registry, and its answers out. Only this namespace's
  # addresses are targets.
  iptables -C FORWARD -o "$VETH" -d "$ADDRESS" -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD 1 -o "$VETH" -d "$ADDRESS" -j ACCEPT
  iptables -C FORWARD -i "$VETH" -s "$ADDRESS" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD 1 -i "$VETH" -s "$ADDRESS" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
}

write_config() { # $1 = door (students|teacher)
  local door="$1" port extra
  if [ "$door" = students ]; then
    port=$STUDENTS_PORT
    extra="  maintenance:
    readonly:
      enabled: true"
  else
    port=$TEACHER_PORT
    extra="auth:
  htpasswd:
    realm: numbers-classroom
    path: $CLASSROOM_DIR/htpasswd"
  fi
  # No blob descriptor cache: the students' door must see at once what the
  # teacher's door has just written to the shared storage.
  cat >"$CLASSROOM_DIR/$door.yml" <<EOF
# The classroom registry's $door door (scripts/classroom.sh).
version: 0.1
log:
  level: info
  fields:
    service: registry-$door
storage:
  filesystem:
    rootdirectory: $CLASSROOM_DIR/storage
$( [ "$door" = students ] && echo "$extra" )
http:
  addr: $ADDRESS:$port
$( [ "$door" = teacher ] && echo "$extra" )
EOF
}

door_pid() { cat "$RUN/$1.pid" 2>/dev/null || true; }
door_alive() {
  local pid
  pid="$(door_pid "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = docker-registry ]
}

start_door() { # $1 = door
  local door="$1"
  if door_alive "$door"; then
    log "the $door door already runs (pid $(door_pid "$door"))"
    return
  fi
  write_config "$door"
  ip netns exec "$NETNS" setsid /usr/bin/docker-registry serve "$CLASSROOM_DIR/$door.yml" \
    >>"$CLASSROOM_DIR/$door.log" 2>&1 </dev/null &
  echo $! >"$RUN/$door.pid"
}

# What /v2/ answers on a door: 200 open, 401 behind the password.
answer() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$ADDRESS:$1/v2/" || true; }

cmd_start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
  install_packages
  mkdir -p "$CLASSROOM_DIR/storage" "$RUN"
  if [ ! -s "$CLASSROOM_DIR/teacher.password" ]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$CLASSROOM_DIR/teacher.password")
  fi
  # The registry reads bcrypt entries only (-B).
  htpasswd -Bbc "$CLASSROOM_DIR/htpasswd" "$TEACHER" "$(cat "$CLASSROOM_DIR/teacher.password")" 2>/dev/null
  setup_netns
  start_door students
  start_door teacher
  local deadline=$((SECONDS + TIMEOUT))
  until [ "$(answer $STUDENTS_PORT)" = 200 ] && [ "$(answer $TEACHER_PORT)" = 401 ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$CLASSROOM_DIR"/*.log >&2 || true
      die "the registry did not answer on $ADDRESS within ${TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "ready: students pull from $ADDRESS:$STUDENTS_PORT, the teacher pushes to $ADDRESS:$TEACHER_PORT"
}

cmd_stop() {
  local door pid
  for door in students teacher; do
    pid="$(door_pid "$door")"
    if door_alive "$door"; then
      kill "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$RUN/$door.pid"
  done
  iptables -D FORWARD -o "$VETH" -d "$ADDRESS" -j ACCEPT 2>/dev/null || true
  iptables -D FORWARD -i "$VETH" -s "$ADDRESS" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null || true
  ip link del "$VETH" 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
  log "stopped (the storage stays in $CLASSROOM_DIR/storage)"
}

cmd_status() {
  echo "students' door $ADDRESS:$STUDENTS_PORT: $(door_alive students && echo "pid $(door_pid students), /v2/ answers $(answer $STUDENTS_PORT)" || echo 'not running')"
  echo "teacher's door $ADDRESS:$TEACHER_PORT: $(door_alive teacher && echo "pid $(door_pid teacher), /v2/ answers $(answer $TEACHER_PORT)" || echo 'not running')"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  address) echo "$ADDRESS:$STUDENTS_PORT" ;;
  teacher) echo "$ADDRESS:$TEACHER_PORT" ;;
  password) cat "$CLASSROOM_DIR/teacher.password" ;;
  -h|--help|"") sed -n '2,30p' "$0" ;;
  *) die "unknown command '$1' (see --help)" ;;
esac
