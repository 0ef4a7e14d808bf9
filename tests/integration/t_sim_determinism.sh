#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_sim_determinism.sh: the same seed and input give byte-identical output:
# every generator twice, every output format of a sweep of both engines
# (each uvm run its own libuvm machine) with -j 1 and -j 2 (and -j 3, more
# workers than some policies), the time series, the per-event trace and
# map dumps; a different seed gives a different trace.
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
		"$U" sweep -q -j "$j" \
		    -P clock,clockpro,flat-clock,lru,fifo,random,opt \
		    -m 32p,128k,0.5ws --seed 5 -o table,csv,json,vmstat,vmsim \
		    --timeseries "ts$j.csv" --interval 1000 a.trace > "out$j.txt"
	done
	cmp out1.txt out2.txt
	cmp out1.txt out3.txt
	cmp ts1.csv ts2.csv
	cmp ts1.csv ts3.csv
	# 21 jobs, each 20 rows of 1000 references (at least 20000 refs).
	test "$(grep -c '^flat-' ts1.csv)" -ge 300
	test "$(grep -c '^uvm-' ts1.csv)" -ge 120
	"$U" run -q -P random -m 32p --seed 5 -v a.trace > r1.txt
	"$U" run -q -P random -m 32p --seed 5 -v a.trace > r2.txt
	cmp r1.txt r2.txt
	"$U" run -q -P clockpro -m 32p --seed 5 -v --maps=all a.trace > r1.txt
	"$U" run -q -P clockpro -m 32p --seed 5 -v --maps=all a.trace > r2.txt
	cmp r1.txt r2.txt
done
echo "t_sim_determinism: ok"
