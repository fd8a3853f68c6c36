#!/bin/sh
# daemon-help-man.sh -- rnninferd(8) and `rnninferd --help` list the same
# long options, and --version/--help exit 0 while a bad option exits 2.
set -u
b=${top_builddir:-.}
s=${top_srcdir:-.}
bin=$b/daemon/rnninferd
man=$s/doc/rnninferd.8
status=0
help=$("$bin" --help) || { echo "FAIL: --help exit status $?"; exit 1; }
"$bin" --version | grep -q '^rnninferd ' || { echo "FAIL: --version"; status=1; }
"$bin" --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: a bad option must exit 2"; status=1; }
opts_help=$(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u)
# in the man page (OPTIONS section) options are written \-\-name
opts_man=$(sed -n '/^\.SH OPTIONS/,/^\.SH SIGNALS/p' "$man" | sed 's/\\-/-/g' |
  grep -o -- '--[a-z][a-z-]*' | sort -u)
for o in $opts_help; do
  printf '%s\n' "$opts_man" | grep -qx -- "$o" || { echo "FAIL: $o in --help, not in rnninferd.8"; status=1; }
done
for o in $opts_man; do
  printf '%s\n' "$opts_help" | grep -qx -- "$o" || { echo "FAIL: $o in rnninferd.8, not in --help"; status=1; }
done
[ $status -eq 0 ] && echo "PASS: $(printf '%s\n' "$opts_help" | wc -l) options documented in both"
exit $status
