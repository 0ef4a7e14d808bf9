#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_sim_formats.sh: every input format F1-F11, plain and compressed, against
# expected output: the events each reader lowers its sample to (uvmsim
# convert to F11), a flat CLOCK run over them (vmstat counters, the vmsim
# line, FINALSTATS) and a run on a libuvm machine (uvm engine: the page
# faults of the real VM stack, with its notes on stderr).  The samples are written here.
#
# usage: sh t_sim_formats.sh UVMSIM DIR
set -eu
U=$1
DIR=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"

printf '# LIRS style\n1\n2\n3\n*\n1\n4\n1\n2\n' > f1.trc
printf '0041f7a0 R\n0041f7a4 w\n13f5e2c0 R\n0041f7a0 W\n00420000 r\n' > f2.trace
printf '==123== Lackey\nI  04000000,3\n L 7ff000ff8,8\n S 04000ffe,4\n M 0421d7f0,4\n' > f3.lackey
printf 's 0x1fffff50 1\nl 0x1fffff58 2\n0 0x3000 1\n1 0x3004 0\n' > f4.txt
printf '0x7f1b5c113093: W 0x7ffec3424278\n0x7f1b5c113097: R 0x7ffec3425270\n#eof\n' > f5.out
printf '100 3 0 1\n200 1 0 2\n101 2 0 3\n' > f6.lis
printf '0,16,8192,W,0.551706\n1,20,512,r,0.554041\n0,16,4096,R,0.6\n' > f7.spc
printf '128166372003061629,hm,1,Read,8192,12288,4172\n128166372016382155,hm,1,Write,4096,4096,1204\n' > f8.csv
printf 'time,key,size,op\n1,foo,10,get\n2,bar,20,set\n3,foo,10,get\n4,17,5,get\n' > f10.csv
printf '#uvmtrace v1 pagesize=4096\nmmap 1 0x10000 0x4000 rw- private,anon\nW 1 0x10000\nfork 1 2\nR 2 0x10ff8 16\nW 2 0x12000 8\nexit 2\nR 1 0x13000\n' > f11.trace
printf '\005\000\000\000\001\000\000\000\005\000\000\000' > f1.bin
"$U" convert f2.trace f9.oracleGeneral
gzip -c f2.trace > f2.trace.gz
zstd -q -c f3.lackey > f3.lackey.zst

one() {
	echo "== $*"
	"$U" convert "$@" - | sed '/^# converted/d'
	"$U" run -q -P flat-clock -m 2p -o vmstat,vmsim,finalstats "$@"
	"$U" run -P uvm-clock -m 64p -o vmsim,finalstats "$@"
}

{
	one f1.trc
	one -F pages-bin f1.bin
	one f2.trace
	one f2.trace.gz
	one f3.lackey
	one f3.lackey.zst
	one f4.txt
	one f5.out
	one f6.lis
	one f7.spc
	one f8.csv
	one f9.oracleGeneral
	one --csv time-col=1,obj-id-col=2,obj-size-col=3,op-col=4,has-header=true f10.csv
	one f11.trace
} > out.txt 2>&1

# SIM_REGEN=1 rewrites the expected output (review the diff before keeping it).
if [ -n "${SIM_REGEN:-}" ]; then cp out.txt "$DIR/expected/sim_formats.out"; fi
if ! diff -u "$DIR/expected/sim_formats.out" out.txt; then
	echo "t_sim_formats: output differs from expected/sim_formats.out" >&2
	exit 1
fi
echo "t_sim_formats: ok"
