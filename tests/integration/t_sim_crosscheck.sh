#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_sim_crosscheck.sh: end to end, uvmsim's flat CLOCK, OPT, LRU and FIFO
# fault counts on flat reference strings equal those of deliberately simple
# awk implementations written here (linear searches, Belady by scanning the
# future); the uvm engine's CLOCK and CLOCK-Pro equal the simple CLOCK when
# everything fits and never beat the simple OPT under pressure.  Strings: random, skewed, looping and the textbook ones; memory
# sizes from one page to more pages than the string has.
#
# usage: sh t_sim_crosscheck.sh UVMSIM DIR
set -eu
U=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"

# simple POLICY K < F1 file: the number of faults.
simple() {
	awk -v pol="$1" -v k="$2" '
	{ p[n++] = $1 }
	END {
		used = 0; hand = 0; faults = 0
		for (i = 0; i < n; i++) {
			f = -1
			for (j = 0; j < used; j++) if (fr[j] == p[i]) { f = j; break }
			if (f >= 0) { ref[f] = 1; last[f] = i; continue }
			faults++
			if (used < k) { fr[used] = p[i]; ref[used] = 1; last[used] = i; load[used] = i; used++; continue }
			if (pol == "clock") {
				while (ref[hand]) { ref[hand] = 0; hand = (hand + 1) % k }
				v = hand; hand = (hand + 1) % k
			} else if (pol == "opt") {
				far = -1
				for (j = 0; j < k; j++) {
					for (m = i + 1; m < n && p[m] != fr[j]; m++) ;
					if (m > far) { far = m; v = j }
				}
			} else {
				v = 0
				for (j = 1; j < k; j++) {
					if (pol == "lru" && last[j] < last[v]) v = j
					if (pol == "fifo" && load[j] < load[v]) v = j
				}
			}
			fr[v] = p[i]; ref[v] = 1; last[v] = i; load[v] = i
		}
		print faults
	}'
}

# strings: NAME generator-awk-program
awk 'BEGIN { srand(11); for (i = 0; i < 600; i++) print int(rand() * 40) }' > random.trc
awk 'BEGIN { srand(12); for (i = 0; i < 600; i++) { r = rand(); print int(r * r * r * 60) } }' > skewed.trc
awk 'BEGIN { for (i = 0; i < 500; i++) print i % 23 }' > loop.trc
printf '7\n0\n1\n2\n0\n3\n0\n4\n2\n3\n0\n3\n2\n1\n2\n0\n1\n7\n0\n1\n' > book.trc
printf '1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n' > anomaly.trc

n=0
for t in random skewed loop book anomaly; do
	for k in 1 2 3 4 5 8 13 22 23 24 41 70; do
		"$U" sweep -q -e flat -P clock,opt,lru,fifo -m "${k}p" -o csv "$t.trc" |
		    awk -F, 'NR > 1 { print $2, $9 }' > got
		for pol in clock opt lru fifo; do
			want=$(simple "$pol" "$k" < "$t.trc")
			have=$(awk -v p="$pol" '$1 == p { print $2 }' got)
			if [ "$want" != "$have" ]; then
				echo "t_sim_crosscheck: $t k=$k $pol: uvmsim $have, simple $want" >&2
				exit 1
			fi
			n=$((n + 1))
		done
	done
done
# The uvm engine (a libuvm machine) on the same strings.  When memory holds
# every page (distinct pages + the daemon's free target + reserves), its
# faults are the first touches, the simple CLOCK's count with that many
# frames; under pressure it never beats Belady (a demand-paging system
# with k frames), nor the number of distinct pages.
for t in random skewed loop book anomaly; do
	d=$(sort -u "$t.trc" | wc -l)
	k=$((d + 64))
	want=$(simple clock "$k" < "$t.trc")
	have=$("$U" sweep -q -P clock,clockpro -m "${k}p" -o csv "$t.trc" |
	    awk -F, 'NR > 1 { printf "%s ", $9 }')
	if [ "$have" != "$want $want " ] || [ "$want" != "$d" ]; then
		echo "t_sim_crosscheck: uvm $t k=$k: $have, simple $want, pages $d" >&2
		exit 1
	fi
	for k in 32 40 48; do
		opt=$(simple opt "$k" < "$t.trc")
		for f in $("$U" sweep -q -P clock,clockpro -m "${k}p" -o csv "$t.trc" |
		    awk -F, 'NR > 1 { print $9 }'); do
			if [ "$f" -lt "$opt" ] || [ "$f" -lt "$d" ]; then
				echo "t_sim_crosscheck: uvm $t k=$k: $f faults < OPT $opt or pages $d" >&2
				exit 1
			fi
			n=$((n + 1))
		done
	done
done
# The textbook values themselves.
test "$("$U" run -q -P opt -m 3p -o finalstats book.trc)" = \
    "FINALSTATS hits 11   misses 9   hitrate 55.00"
test "$(simple fifo 3 < anomaly.trc)$(simple fifo 4 < anomaly.trc)" = 910
echo "t_sim_crosscheck: ok ($n comparisons)"
