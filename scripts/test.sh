#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, starts a throwaway
# PostgreSQL, runs every test project, stops what it started (also on failure) and prints
# "N passed, N failed[, N skipped]" as its last line; it exits 0 exactly when that says 0 failed.
# A crashed or aborted test host, a hung test (stopped after 5 minutes and named), a failed runner
# self-check and anything the tests leaked each count as a failure (see scripts/lib/test-runner.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '[test.sh] %s\n' "$*" >&2; }

# 1. System packages the real-component tests use (DESIGN §7).
need=()
command -v supervisord >/dev/null 2>&1 || need+=(supervisor)
[ -d /usr/lib/python3/dist-packages/zc/buildout ] || need+=(python3-zc.buildout)
[ -d /usr/lib/python3/dist-packages/setuptools ] || need+=(python3-setuptools)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
[ -x /usr/sbin/useradd ] || need+=(passwd)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || need+=(nftables)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null \
      || { log "apt-get install ${need[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
  else
    log "missing ${need[*]} and not root: install them first"; echo "0 passed, 1 failed"; exit 1
  fi
fi
# Debian starts supervisord and postgresql as services on install; the tests start private ones.
command -v service >/dev/null 2>&1 && { service supervisor stop >/dev/null 2>&1; service postgresql stop >/dev/null 2>&1; service haproxy stop >/dev/null 2>&1; } || true

# 2. A throwaway PostgreSQL on 127.0.0.1 and an unusual port.
work=$(mktemp -d /tmp/slapos-tests.XXXXXX)
chmod 755 "$work"
pgbin=/usr/lib/postgresql/15/bin
pgport=${SLAPOS_TEST_PG_PORT:-55417}
pgdata="$work/pgdata"
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() {
  if [ -f "$pgdata/postmaster.pid" ]; then
    pg_as "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}
cleanup() { stop_pg; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$pgdata"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$pgdata"
if pg_as "$pgbin/initdb" -D "$pgdata" -U postgres -A trust --no-sync >"$work/initdb.log" 2>&1 \
   && pg_as "$pgbin/pg_ctl" -D "$pgdata" -w -t 30 -l "$pgdata/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdata -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null; then
  export SLAPOS_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
  log "PostgreSQL on 127.0.0.1:$pgport"
else
  log "PostgreSQL did not start:"; cat "$work/initdb.log" "$pgdata/server.log" >&2 2>/dev/null
  echo "0 passed, 1 failed"; exit 1
fi

# 3. What the host has before the run, so that the leak check (step 5) blames only this run: names
#    carrying this run's tag (tests/Shared/TestRun.cs), new since now; databases new since now.
tag=$(printf '%03x' $((RANDOM % 4096)))
names_of() { # users | groups | links | namespaces | nftables
  case $1 in
    users) cut -d: -f1 /etc/passwd ;;
    groups) cut -d: -f1 /etc/group ;;
    links) ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 ;;
    namespaces) ip netns list 2>/dev/null | awk '{print $1}' ;;
    nftables) nft list tables inet 2>/dev/null | awk '{print $3}' ;;
  esac | sort -u
}
kinds="users groups links namespaces nftables"
databases() ( cd / && pg_as "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -Atc 'SELECT datname FROM pg_database' 2>/dev/null | sort -u )
for kind in $kinds; do names_of "$kind" >"$work/before.$kind"; done
databases >"$work/before.databases"

# 4. Build once, prove the runner, then run every test project (scripts/lib/test-runner.sh counts).
results="$work/results"
mkdir -p "$results" "$work/tmp"
chmod 1777 "$work/tmp"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# shellcheck source=lib/test-runner.sh
. scripts/lib/test-runner.sh
if ! dotnet build SlapOS.Sdk.sln -c Release -nologo -v quiet; then
  log "build failed"; echo "0 passed, 1 failed"; exit 1
fi
# The tests' temporary directories live in $work/tmp, and their processes carry the run's tag: both
# tell this run's leftovers from those of other runs on the machine. No MSBuild nodes outlive a project.
export TMPDIR="$work/tmp" SLAPOS_TEST_RUN_TAG="$tag" MSBUILDDISABLENODEREUSE=1
log "run tag $tag, temporary directory $TMPDIR"

# The runner's own check (about a minute): a crashed and a hung throwaway test must count as
# failures. Always in CI; SLAPOS_TEST_RUNNER_SELFCHECK=0 skips it elsewhere.
if [ "${CI:-false}" = true ] || [ "${SLAPOS_TEST_RUNNER_SELFCHECK:-1}" != 0 ]; then
  log "running runner-selfcheck"
  if scripts/test-runner-selfcheck.sh; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); broken="$broken runner-selfcheck"; log "FAILED runner-selfcheck"
  fi
fi

for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  log "running $name"
  run_test_project "$name" "$proj" "$results" "$@"
done
unset TMPDIR SLAPOS_TEST_RUN_TAG

# 5. Leak check, on every run: what the tests of THIS run left behind is a failure, reported and
#    removed. Processes: those carrying the run's tag in their environment or running from (or out
#    of) its temporary directory, except the toolchain's own. Users, groups, links, network namespaces,
#    inet nftables tables: new since step 3
#    and named with the run's tag. Databases: new in this run's private PostgreSQL.
leaks=0
leak() { leaks=$((leaks + 1)); log "LEAK $*"; }
for dir in /proc/[0-9]*; do
  pid=${dir#/proc/}
  [ "$pid" = $$ ] && continue
  args=$(tr '\0' ' ' 2>/dev/null <"$dir/cmdline") || continue
  [ -n "$args" ] || continue
  cwd=$(readlink "$dir/cwd" 2>/dev/null || true)
  if tr '\0' '\n' 2>/dev/null <"$dir/environ" | grep -qx "SLAPOS_TEST_RUN_TAG=$tag" \
     || [[ "$args" == *"$work/tmp/"* ]] || [[ "$cwd" == "$work/tmp/"* ]]; then
    case $args in *MSBuild.dll*|*VBCSCompiler*|*build-server*) continue ;; esac
    leak "process $pid: $args"
    kill -9 "$pid" 2>/dev/null || true
  fi
done
for kind in $kinds; do
  names_of "$kind" | comm -13 "$work/before.$kind" - | grep -E "^[a-z]{2}${tag}[0-9a-f]{5}" >"$work/leaked.$kind" || true
  while read -r name; do
    leak "$kind: $name"
    case $kind in
      users) userdel "$name" >/dev/null 2>&1 || true ;;
      groups) groupdel "$name" >/dev/null 2>&1 || true ;;
      links) ip link del dev "$name" >/dev/null 2>&1 || true ;;
      namespaces) ip netns del "$name" >/dev/null 2>&1 || true ;;
      nftables) nft delete table inet "$name" >/dev/null 2>&1 || true ;;
    esac
  done <"$work/leaked.$kind"
done
databases | comm -13 "$work/before.databases" - | while read -r db; do log "LEAK database: $db"; echo "$db"; done >"$work/leaked.databases"
leaks=$((leaks + $(wc -l <"$work/leaked.databases")))
if [ "$leaks" -gt 0 ]; then
  failed=$((failed + 1)); broken="$broken leak-check"
  log "FAILED leak-check: $leaks thing(s) the tests left behind (listed above)"
fi

# 6. The summary line CI reads; the exit code agrees with it (0 iff nothing failed).
expected=$(ls tests/*/*.csproj | wc -l)
ran=$(ls "$results"/*.log 2>/dev/null | wc -l)
if [ "$ran" -lt "$expected" ]; then
  log "only $ran of $expected test projects ran"; failed=$((failed + expected - ran))
fi
[ -n "$broken" ] && log "failed beyond single tests:$broken"
summary_line
summary_status && exit 0
exit 1
