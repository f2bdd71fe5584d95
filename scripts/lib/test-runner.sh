# Runs test projects and counts their results so that the summary line and the exit code always
# agree. Sourced by scripts/test.sh and scripts/test-runner-selfcheck.sh (one home for the rule).
#
#   run_test_project NAME PROJECT RESULTS_DIR [dotnet test arguments...]
#   summary_line      -> "N passed, N failed[, N skipped]"
#   summary_status    -> 0 iff failed == 0
#
# A project counts as one more failure, named in the output and in $broken, when its test host
# crashed or was aborted (the tests it did not run are otherwise not counted at all), when it
# exited non-zero with no failed test, or when it left no TRX file.

passed=0
failed=0
skipped=0
broken=""

# Per test: a hang (no test finishing for this long) stops the host and names the test running.
TEST_HANG_TIMEOUT=${TEST_HANG_TIMEOUT:-5m}

runner_log() { printf '[test.sh] %s\n' "$*" >&2; }

trx_counter() { # TRX_COUNTERS_ELEMENT NAME
  local value
  value=$(printf '%s' "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9][0-9]*')
  echo "${value:-0}"
}

run_test_project() {
  local name=$1 project=$2 results=$3
  shift 3
  local log="$results/$name.log" trx="$results/$name.trx" rc counters
  # --blame-hang-timeout names the hung test and kills its host; no dump (hundreds of MB each).
  # --blame-crash is not used: on this SDK it writes a ~200 MB dump and still does not name the test
  # (the crash message and stack trace, printed below, do).
  dotnet test "$project" -c Release --no-build -nologo \
    --blame-hang-timeout "$TEST_HANG_TIMEOUT" --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}

  local p=0 f=0 s=0
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(trx_counter "$counters" passed)
    f=$(( $(trx_counter "$counters" failed) + $(trx_counter "$counters" error) + $(trx_counter "$counters" timeout) + $(trx_counter "$counters" aborted) ))
    # Skipped tests are counted in total but not in executed.
    s=$(( $(trx_counter "$counters" total) - $(trx_counter "$counters" executed) ))
  fi

  local why=""
  if grep -q -E 'Test Run Aborted|The active test run was aborted' "$log"; then
    why="test host crashed or was aborted (exit $rc)"
  elif [ ! -f "$trx" ]; then
    why="no results (exit $rc)"
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    why="exit $rc without a failed test"
  fi
  if [ -n "$why" ]; then
    f=$((f + 1))
    broken="$broken $name"
    runner_log "FAILED $name: $why"
    # What the host said about it: the reason, and the test that was running when vstest knows it.
    grep -E -A 2 'aborted\. Reason|The test running when' "$log" | grep -v -E '^--$|^$' | sed "s/^/[test.sh]   $name: /" >&2 || true
  fi

  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  runner_log "$name: $p passed, $f failed, $s skipped (dotnet test exit $rc)"
}

summary_line() {
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
}

summary_status() { [ "$failed" -eq 0 ]; }
