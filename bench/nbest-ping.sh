#!/bin/sh
# nbest-ping.sh -- ping latency next to big nbest requests (256 unknown
# words, beam 16, nbest 16), for two daemon binaries side by side
# (bench/ping-compare.sh).
# Usage: bench/nbest-ping.sh BUILDDIR MODEL.g2pm DAEMON_A DAEMON_B [ROUNDS [PINGS]]
exec sh "$(dirname "$0")/ping-compare.sh" nbest-ping "$@"
