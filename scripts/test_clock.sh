#!/usr/bin/env bash
# The whole suite at other server times: libfaketime sets the clock (the province's time, running on from there)
# before dawn, at midday, late in the evening and in the first half hour of 1 January, when the date in
# Asia/Ho_Chi_Minh is a day ahead of UTC. A test that reads the wall clock fails at one of them.
#   scripts/test_clock.sh                 — the four times
#   scripts/test_clock.sh "2010-06-30 23:59"   — any time `date -d` understands
# PYTEST_ARGS is passed on to pytest. Tests marked machine_clock are left out: they time a wait in a thread (a lock
# or event with a timeout), and libfaketime 0.9 fakes the monotonic clock those waits are computed from without
# faking the wait itself (sem_clockwait), so the wait never ends.
set -uo pipefail
cd "$(dirname "$0")/.."
export TZ=Asia/Ho_Chi_Minh
times=("$@")
[ "${#times[@]}" -gt 0 ] || times=("03:00" "12:00" "23:30" "jan 1 00:30")

failed=()
for when in "${times[@]}"; do
  echo "== the suite at $(date -d "$when" '+%Y-%m-%d %H:%M %Z')"
  # shellcheck disable=SC2086
  faketime "$when" .venv/bin/python -m pytest -p no:cacheprovider -q -m "not machine_clock" ${PYTEST_ARGS:-} \
    || failed+=("$when")
done
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'The suite failed at: %s\n' "${failed[@]}"
  exit 1
fi
echo "The suite passed at every time: ${times[*]}"
