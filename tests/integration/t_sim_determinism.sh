#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_sim_determinism.sh: the same seed and input give byte-identical output:
# every generator twice, every output format of a sweep with -j 1 and
# -j 2 (and -j 3, more workers than some policies), and the time series;
# a different seed gives a different trace.
#
# usage: sh t_sim_determinism.sh UVMSIM DIR
set -eu
U=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"

for kind in uniform zipf hotspot loop scan shell pressure; do
	"$U" gen "$kind" --pages 300 --count 20000 --seed 7 -o a.trace
	"$U" gen "$kind" --pages 300 --count 20000 --seed 7 -o b.trace
	"$U" gen "$kind" --pages 300 --count 20000 --seed 8 -o c.trace
	cmp a.trace b.trace
	if cmp -s a.trace c.trace; then
		echo "t_sim_determinism: $kind ignores its seed" >&2
		exit 1
	fi
	for j in 1 2 3; do
		"$U" sweep -q -j "$j" -P clock,lru,fifo,random,opt \
		    -m 16p,64k,0.5ws --seed 5 -o table,csv,json,vmstat,vmsim \
		    --timeseries "ts$j.csv" --interval 1000 a.trace > "out$j.txt"
	done
	cmp out1.txt out2.txt
	cmp out1.txt out3.txt
	cmp ts1.csv ts2.csv
	cmp ts1.csv ts3.csv
	# 15 jobs, each 20 rows of 1000 references (at least 20000 refs).
	test "$(grep -c '^flat-' ts1.csv)" -ge 300
	"$U" run -q -P random -m 32p --seed 5 -v a.trace > r1.txt
	"$U" run -q -P random -m 32p --seed 5 -v a.trace > r2.txt
	cmp r1.txt r2.txt
done
echo "t_sim_determinism: ok"
