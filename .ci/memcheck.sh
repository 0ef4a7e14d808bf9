#!/bin/sh
# Run every unit test (CTest label unit) of a build directory under valgrind
# memcheck, two at a time; any error or definite/indirect leak fails the run.
# Iteration counts are scaled down (UVM_TEST_SCALE) so that the randomized
# tests stay within CI's time.
#	memcheck.sh [build-dir]		all tests
#	memcheck.sh --one test		one test (used by the parallel loop)
set -u
if [ "${1:-}" = "--one" ]; then
	t=$2
	if valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    "$t" >"$t.memcheck.log" 2>&1; then
		echo "memcheck: ok     $t"
	else
		echo "memcheck: FAILED $t (log: $t.memcheck.log)"
		tail -40 "$t.memcheck.log"
	fi
	exit 0
fi

dir=${1:-build/debug}
export UVM_TEST_SCALE=${UVM_TEST_SCALE:-0.05}
export UVM_TEST_TMPDIR="$dir/tmp"
mkdir -p "$UVM_TEST_TMPDIR"
out=$(mktemp)
ctest --test-dir "$dir" -L unit -N | awk '/Test +#/ { print $3 }' |
    while read -r name; do
	[ -x "$dir/$name" ] && echo "$dir/$name"
done | xargs -P 2 -n 1 sh "$0" --one | tee "$out"
n=$(grep -c '^memcheck:' "$out")
failed=$(grep -c '^memcheck: FAILED' "$out")
rm -f "$out"
echo "memcheck: $n test programs, $failed failed"
[ "$n" -gt 0 ] && [ "$failed" -eq 0 ]
