#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_sim_malformed.sh: malformed input in every format (truncated line, bad
# number, unknown operation, empty file, and truncated binary records or
# compressed streams) must give exit status 2 and one message on stderr
# naming the file, the line (or record) and the offending text.
#
# usage: sh t_sim_malformed.sh UVMSIM DIR
set -u
U=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
fails=0

# check FORMAT NAME CONTENT EXPECTED-PREFIX EXPECTED-TEXT [OPTION]
check() {
	fmt=$1 name=$2 want=$4 text=$5 extra=${6:---quiet}
	printf "$3" > "$name"
	"$U" run -q -F "$fmt" "$extra" -m 4p "$name" > out 2> err
	rc=$?
	if [ $rc -ne 2 ] || ! grep -qF "uvmsim: $name$want" err ||
	    ! grep -qF -- "$text" err || [ -s out ] ||
	    [ "$(wc -l < err)" -ne 1 ]; then
		echo "FAIL: $fmt $name: exit $rc, stderr:" >&2
		cat err >&2
		fails=$((fails + 1))
	fi
}

check pages p1 '1\n2\n3x\n' ':3: bad page number' '"3x"'
check pages p2 '1\n2 3\n' ':2: unexpected text' '"2 3"'
check pages p3 '1\nload 3\n' ':2: bad page number "load"' '"load 3"'
check vmsim v1 '0041f7a0 R\n0041f7a0\n' ':2: truncated line' '"0041f7a0"'
check vmsim v2 '0041f7a0 R\n00z1f7a0 R\n' ':2: bad hex address' '"00z1f7a0 R"'
check vmsim v3 '0041f7a0 X\n' ':1: unknown operation "X"' '"0041f7a0 X"'
check lackey l1 'I  0400,3\n L\n' ':2: truncated line' '" L"'
check lackey l2 ' L 0400,x3\n' ':1: bad "<hex address>,<size>"' '"0400,x3"'
check lackey l3 ' Q 0400,3\n' ':1: unknown operation "Q"' '" Q 0400,3"'
check ucsd u1 's 0x10 1\nl\n' ':2: truncated line' '"l"'
check ucsd u2 's 0x1g 1\n' ':1: bad address "0x1g"' '"s 0x1g 1"'
check ucsd u3 'x 0x10 1\n' ':1: unknown operation "x"' '"x 0x10 1"'
check pin n1 '0x1: R\n' ':1: truncated line' '"0x1: R"'
check pin n2 '0x1: R 0xg\n' ':1: bad address "0xg"' '"0x1: R 0xg"'
check pin n3 '0x1: M 0x2\n' ':1: unknown operation "M"' '"0x1: M 0x2"'
check arc a1 '1 2 0 1\n1 2 0\n' ':2: truncated line' '"1 2 0"'
check arc a2 '1 two 0 1\n' ':1: bad block count "two"' '"1 two 0 1"'
check arc a3 '1 2 0 1 9\n' ':1: unexpected text' '"1 2 0 1 9"'
check spc s1 '0,1,512\n' ':1: truncated line' '"0,1,512"'
check spc s2 '0,1,5x2,r,0.1\n' ':1: bad size "5x2"' '"0,1,5x2,r,0.1"'
check spc s3 '0,1,512,t,0.1\n' ':1: unknown operation "t"' '"0,1,512,t,0.1"'
check msr m1 '1,h,1,Read,0\n' ':1: truncated line' '"1,h,1,Read,0"'
check msr m2 '1,h,1,Read,0,40x,1\n' ':1: bad size "40x"' '"1,h,1,Read,0,40x,1"'
check msr m3 '1,h,1,Flush,0,4096,1\n' ':1: unknown operation "Flush"' '"1,h,1,Flush,0,4096,1"'
check uvmtrace t1 '#uvmtrace v1\nW 1\n' ':2: truncated line' '"W 1"'
check uvmtrace t2 '#uvmtrace v1\nW 1 0x1q\n' ':2: bad address "0x1q"' '"W 1 0x1q"'
check uvmtrace t3 '#uvmtrace v1\nclone 1 2\n' ':2: unknown operation "clone"' '"clone 1 2"'
check csv c1 'a,get\nb\n' ':2: truncated line' '"b"' --csv=obj-id-col=1,op-col=2
check csv c2 'a,get\nb,del\n' ':2: unknown operation "del"' '"b,del"' --csv=obj-id-col=1,op-col=2

# CSV needs a column map; check() passes none, so name it here.
printf '1,get\n2,1x\n' > c3
"$U" run -q --csv obj-id-col=1,op-col=2 -m 4p c3 > out 2> err
if [ $? -ne 2 ] || ! grep -qF 'c3:2: unknown operation "1x"' err; then
	echo "FAIL: csv c3" >&2; cat err >&2; fails=$((fails + 1))
fi

# Empty input, in every format.
: > empty
for fmt in pages pages-bin vmsim lackey ucsd pin arc spc msr oracle \
    uvmtrace; do
	check "$fmt" empty '' ': empty trace' 'no events'
done

# Binary records and compressed streams cut short.
check pages-bin b1 '\001\000\000\000\002\000' ': record 2 (byte 4): truncated record' '2 of 4 bytes'
check oracle o1 '\000\000\000\000\001\000\000\000\000\000\000\000\000\020\000\000\377\377\377\377\377\377\377\377\000' ': record 2 (byte 24): truncated record' '1 of 24 bytes'
i=0; while [ $i -lt 3000 ]; do echo "$i"; i=$((i + 1)); done > big.trc
gzip -c big.trc | head -c 2000 > cut.gz
"$U" run -q -m 4p cut.gz > out 2> err
if [ $? -ne 2 ] || ! grep -qF 'uvmsim: cut.gz: truncated gzip data' err; then
	echo "FAIL: truncated gzip" >&2; cat err >&2; fails=$((fails + 1))
fi
zstd -q -c big.trc | head -c 2000 > cut.zst
"$U" run -q -m 4p cut.zst > out 2> err
if [ $? -ne 2 ] || ! grep -qF 'uvmsim: cut.zst: truncated zstd data' err; then
	echo "FAIL: truncated zstd" >&2; cat err >&2; fails=$((fails + 1))
fi
# Unrecognisable text, a missing file.
printf 'hello world\n' > junk
"$U" run -q junk > out 2> err
if [ $? -ne 2 ] || ! grep -qF 'junk: cannot recognise the trace format' err; then
	echo "FAIL: junk" >&2; cat err >&2; fails=$((fails + 1))
fi
"$U" run -q no-such-file > out 2> err
if [ $? -ne 2 ] || ! grep -qF 'no-such-file: No such file' err; then
	echo "FAIL: missing file" >&2; cat err >&2; fails=$((fails + 1))
fi
# The other commands report the same way.
for cmd in "info" "convert" "sweep -P clock,opt -m 2p,4p"; do
	set -- $cmd
	if [ "$1" = convert ]; then
		"$U" convert v3 - > out 2> err
	else
		"$U" "$@" v3 > out 2> err
	fi
	if [ $? -ne 2 ] || ! grep -qF 'v3:1: unknown operation "X"' err; then
		echo "FAIL: $cmd on v3" >&2; cat err >&2; fails=$((fails + 1))
	fi
done

if [ $fails -ne 0 ]; then
	echo "t_sim_malformed: $fails failures" >&2
	exit 1
fi
echo "t_sim_malformed: ok"
