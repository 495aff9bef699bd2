#!/usr/bin/env bash
# Runs a command and makes sure nothing it started outlives the test run.
#
#   watchdog.sh PARENT_PID COMMAND [ARGS...]
#
# Start it as the leader of its own process group (Node: spawn(..., {detached: true})).
# The command (and all its children) stay in that group. The group is killed when
#   - PARENT_PID (the test process) is gone, even if it died without cleaning up,
#   - this script receives TERM/INT/HUP (the test's normal stop: kill -TERM -PGID),
#   - the command exits (leftover grandchildren are reaped).
# Exit status: the command's, or 143 when stopped.
set -u
parent="$1"
shift

"$@" &
child=$!

# Sets OTHERS to the pids of our process group other than this shell. Reads /proc
# with builtins only: a pipeline or $(...) would itself be a member of the group.
list_others() {
  OTHERS=()
  local stat line fields
  for stat in /proc/[0-9]*/stat; do
    read -r line <"$stat" 2>/dev/null || continue
    # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ") ".
    read -r -a fields <<<"${line##*) }"
    if [[ "${fields[2]}" == "$$" && "${line%% *}" != "$$" ]]; then
      OTHERS+=("${line%% *}")
    fi
  done
}

reap_group() {
  # Signal every other member of our group; ignore the signal ourselves.
  trap '' TERM
  kill -TERM -- "-$$" 2>/dev/null
  local i
  for i in {1..50}; do
    list_others
    [[ ${#OTHERS[@]} -eq 0 ]] && return 0
    sleep 0.2
  done
  list_others
  [[ ${#OTHERS[@]} -gt 0 ]] && kill -KILL "${OTHERS[@]}" 2>/dev/null
  return 0
}

stop() {
  trap - TERM INT HUP
  kill -TERM "$child" 2>/dev/null
  local i
  for i in {1..75}; do
    kill -0 "$child" 2>/dev/null || break
    sleep 0.2
  done
  reap_group
  exit 143
}
trap stop TERM INT HUP

while kill -0 "$child" 2>/dev/null; do
  if ! kill -0 "$parent" 2>/dev/null; then stop; fi
  sleep 0.5 &
  wait $! 2>/dev/null
done
wait "$child"
rc=$?
reap_group
exit "$rc"
