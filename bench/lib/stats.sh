# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the benchmarks in bench/.
#
# median [NUMBER...]: the median of the arguments, or of the numbers on
# standard input (one per line) when there are none; the mean of the two
# middle values for an even count.  Prints nothing for no numbers.
median() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | median
		return
	fi
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
