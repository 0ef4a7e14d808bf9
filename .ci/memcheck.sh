#!/bin/sh
# Run every unit test of a build directory under valgrind memcheck; any error
# or definite/indirect leak fails the run.
set -u
dir=${1:-build/debug}
fail=0
n=0
for t in "$dir"/t_*; do
	[ -x "$t" ] || continue
	case "$t" in *_replay | *t_stress* | *.log) continue ;; esac
	n=$((n + 1))
	if ! UVM_TEST_TMPDIR="$dir/tmp" valgrind -q --error-exitcode=99 \
	    --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    "$t" >"$t.memcheck.log" 2>&1; then
		echo "memcheck: $t FAILED (see $t.memcheck.log)"
		tail -40 "$t.memcheck.log"
		fail=$((fail + 1))
	fi
done
echo "memcheck: $n test programs, $fail failed"
[ "$fail" -eq 0 ]
