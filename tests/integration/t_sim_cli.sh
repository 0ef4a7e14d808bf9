#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_sim_cli.sh: the command line: help of every command, usage errors (exit
# 1), the default workload, memory sizes in bytes, pages and working-set
# fractions, the libCacheSim, vmsim and OSTEP command-line shapes, output
# kinds, per-reference tracing, time series, conversion round trips and
# compressed output.
#
# usage: sh t_sim_cli.sh UVMSIM DIR
set -eu
U=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"

fail() {
	echo "t_sim_cli: $*" >&2
	exit 1
}

# expect STATUS command...: run, check the exit status.
expect() {
	want=$1
	shift
	set +e
	"$@" > out 2> err
	rc=$?
	set -e
	[ "$rc" -eq "$want" ] || { cat err >&2; fail "$* exited $rc, not $want"; }
}

for c in run sweep convert gen info; do
	expect 0 "$U" "$c" --help
	grep -q "^ *\(usage: \)\{0,1\}uvmsim $c" out || fail "$c --help"
done
expect 0 "$U" --help
grep -q "^commands:" out || fail "--help"
expect 0 "$U" help run
grep -q "^formats:" out || fail "help run"
expect 1 "$U" run
expect 1 "$U" run -P nosuch x
expect 1 "$U" frobnicate
expect 1 "$U" run --bogus x
expect 1 "$U" gen nosuchkind
expect 1 "$U" run -e nosuch x

# The default workload: machine bring-up, then the labelled demonstration
# (small sizes here: the debug build is slow).
expect 0 "$U" -q -m 512k
grep -q "^machine configuration:" out || fail "no machine configuration"
grep -q "page faults" out || fail "no machine counters"
grep -q "uvm-clock " out || fail "demo: no uvm-clock label"
grep -q "uvm-clockpro" out || fail "demo: no uvm-clockpro label"
grep -q "flat-opt" out || fail "demo: no flat-opt label"
grep -q "^shell:" out || fail "demo: no shell workload"
grep -q "^loop:" out || fail "demo: no loop workload"
grep -q "^summary" out || fail "demo: no summary"
expect 0 "$U" -q -m 1m -p 16k
grep -q "pagesize *16384" out || fail "demo ignores -p"

printf '7\n0\n1\n2\n0\n3\n0\n4\n2\n3\n0\n3\n2\n1\n2\n0\n1\n7\n0\n1\n' > book.trc

# Sizes: bytes, pages, working-set fractions (6 distinct pages here).
"$U" sweep -q -P lru -m 12k,3p,0.5ws,1ws -o csv book.trc > s.csv
test "$(awk -F, 'NR > 1 { printf "%s:%s ", $3, $9 }' s.csv)" = \
    "3:12 3:12 3:12 6:6 " || fail "sizes: $(cat s.csv)"
expect 1 "$U" run -m 100 book.trc   # less than a page
expect 1 "$U" run -m 12q book.trc

# libCacheSim shape: TRACE FORMAT POLICIES SIZES (bare fraction = of WS).
expect 0 "$U" book.trc txt lru,fifo 12k,0.7
test "$(grep -c '^flat-' out)" -eq 4 || fail "libCacheSim shape"
grep -q "^flat-fifo  *4  *16K .*  10  " out || fail "libCacheSim: fifo 4 frames"
# vmsim shape.
printf '0041f7a0 R\n0041f7a4 w\n13f5e2c0 R\n0041f7a0 W\n00420000 r\n' > v.trace
expect 0 "$U" -n 2 -a clock v.trace
test "$(cat out)" = "Algorithm: flat-clock  Frames: 2  Page size: 4096  Memory accesses: 5  Page faults: 3  Writes to disk: 1" ||
    fail "vmsim shape: $(cat out)"
# OSTEP shape: -a list, -f file, random addresses.
expect 0 "$U" -p LRU -C 3 -a 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1 -c -N
test "$(cat out)" = "FINALSTATS hits 8   misses 12   hitrate 40.00" ||
    fail "OSTEP -a: $(cat out)"
expect 0 "$U" -p OPT -C 3 -f book.trc -c
test "$(tail -1 out)" = "FINALSTATS hits 11   misses 9   hitrate 55.00" ||
    fail "OSTEP -f"
test "$(grep -c '^ref=' out)" -eq 20 || fail "OSTEP per-access lines"
expect 0 "$U" -p CLOCK -C 2 -n 50 -m 5 -s 3 -N
grep -q "^FINALSTATS hits [0-9]* *misses [0-9]*" out || fail "OSTEP random"
expect 1 "$U" -p CLOCK -C 2 -b 2 -N

# Outputs of run.
expect 0 "$U" run -P fifo -m 3p book.trc
grep -q "^engine: flat-fifo (reference-string model" out || fail "label"
grep -q "^       15 page faults$" out || fail "vmstat -s line"
grep -q "^FINALSTATS hits 5   misses 15   hitrate 25.00$" out || fail "FINALSTATS"
expect 0 "$U" run -q -P flat-clock -m 3p -o json book.trc
grep -q '"engine": "flat-clock"' out || fail "json"
expect 0 "$U" run -q -P lru -m 3p -v -o finalstats book.trc
test "$(grep -c '^ref=' out)" -eq 20 || fail "--trace lines"
grep -q "^ref=4 op=R page=1:0x2 miss evict=1:0x7 frame=0$" out ||
    fail "--trace eviction line"
expect 1 "$U" sweep -v -P lru,fifo book.trc
expect 0 "$U" run -q -e flat -P clock -m 3p --timeseries ts.csv --interval 5 book.trc
test "$(wc -l < ts.csv)" -eq 5 || fail "time series rows"
head -1 ts.csv | grep -q '^engine,frames,interval,end,references,hits,faults' ||
    fail "time series header"

# The uvm engine (the default for clock and clockpro): book.trc's 6 pages
# fit in 64 pages, so the faults are the 6 first touches; each page of an
# F1 trace is mapped on first touch.
expect 0 "$U" run -m 64p -o finalstats book.trc
test "$(cat out)" = "FINALSTATS hits 14   misses 6   hitrate 70.00" ||
    fail "uvm engine: $(cat out)"
grep -q "regions mapped on first touch" err || fail "uvm: automap note"
expect 0 "$U" run -m 64p book.trc
grep -q "^engine: uvm-clock (libuvm machine)" out || fail "uvm label"
grep -q "^        6 page faults$" out || fail "uvm vmstat"
expect 0 "$U" run -q -m 64p -P clockpro -v -o finalstats book.trc
test "$(grep -c '^ev=' out)" -eq 20 || fail "uvm --trace lines"
grep -q "^ev=1 op=R page=1:0x7 miss zero-fill free=" out ||
    fail "uvm --trace first line: $(head -1 out)"
grep -q "^ev=5 op=R page=1:0x0 hit free=" out || fail "uvm --trace hit"
expect 0 "$U" run -q -m 64p --timeseries ts.csv --interval 5 book.trc
test "$(grep -c '^uvm-clock,64,' ts.csv)" -eq 4 || fail "uvm time series"
expect 0 "$U" sweep -q -P clock,opt,flat-clock -m 64p -o csv book.trc
test "$(cut -d, -f1 out | tr '\n' ' ')" = \
    "engine uvm-clock flat-opt flat-clock " || fail "engine per policy"
expect 1 "$U" run -e uvm -P lru book.trc
expect 1 "$U" run -e flat -P uvm-clock book.trc
expect 1 "$U" run --maps=bogus book.trc
expect 2 "$U" run -m 4p book.trc
grep -q "cannot create a machine of 4 pages" err || fail "uvm: tiny memory"

# Conversions: F1 -> F11 -> F11 is stable; oracleGeneral round trip;
# compressed output reads back.
"$U" convert book.trc a.trace
"$U" convert a.trace b.trace
sed '/^# converted/d' a.trace > a2; sed '/^# converted/d' b.trace > b2
cmp a2 b2 || fail "F11 round trip"
"$U" convert book.trc c.oracleGeneral
test "$(wc -c < c.oracleGeneral)" -eq 480 || fail "oracleGeneral size"
"$U" info c.oracleGeneral | grep -q "^format: oracle" || fail "oracle detect"
"$U" run -q -P opt -m 3p -o finalstats c.oracleGeneral > o1
"$U" run -q -P opt -m 3p -o finalstats book.trc > o2
cmp o1 o2 || fail "oracle replay differs"
"$U" gen shell --procs 5 --count 2000 -o s.trace.gz
"$U" gen shell --procs 5 --count 2000 -o s.trace.zst
"$U" gen shell --procs 5 --count 2000 -o s.trace
gzip -dc s.trace.gz | cmp - s.trace || fail "gzip output"
zstd -q -dc s.trace.zst | cmp - s.trace || fail "zstd output"
"$U" info s.trace.zst > i1
grep -q "^compression: zstd" i1 || fail "info codec"
grep -q "^  fork *5$" i1 || fail "info: forks"
grep -q "^address spaces: 6$" i1 || fail "info: address spaces"
# Map dumps: every address space when it execs or exits.
expect 0 "$U" run -q -m 1m --maps s.trace
test "$(grep -c '^== as [0-9]* at event [0-9]* (exit)' out)" -eq 6 ||
    fail "--maps: exits"
test "$(grep -c '^== as [0-9]* at event [0-9]* (exec)' out)" -eq 5 ||
    fail "--maps: execs"
grep -q "^00400000-00440000 r-xp 00000000 00:00 0 " out ||
    fail "--maps: procmaps line"
expect 0 "$U" run -q -m 1m --maps=pmap s.trace
grep -q "^0000000000400000     256K read/exec " out || fail "--maps=pmap"
grep -q "^ total [0-9]*K$" out || fail "--maps=pmap total"
expect 0 "$U" info -m 8m
grep -q "memsize *8388608" out || fail "info machine"
expect 1 "$U" info -m 1k
# Standard input.
"$U" run -q -P lru -m 3p -o finalstats - < book.trc > o3
grep -q "hits 8 " o3 || fail "stdin"
echo "t_sim_cli: ok"
