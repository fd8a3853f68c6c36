#!/bin/sh
# text-ping.sh -- ping latency next to long texts of unknown words, for two
# daemon binaries side by side (bench/ping-compare.sh).
# Usage: bench/text-ping.sh BUILDDIR MODEL.g2pm DAEMON_A DAEMON_B [ROUNDS [PINGS]]
exec sh "$(dirname "$0")/ping-compare.sh" text-ping "$@"
