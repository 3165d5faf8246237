#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The docs cannot drift from the code: the configuration reference's example (docs/configuration.md)
# holds every key of every section of the schema (agent/config/config_keys.c) and no key the schema
# does not have; the example as it is loads (evpnd --check-config); every relative link of README.md
# and docs/*.md names a file that exists; README.md is the landing page with the two commands; every
# evpnctl command of the operations guide's synopsis is one evpnctl knows (evpnctl help CMD).
# Reads the repository; needs no root.
set -u
# shellcheck source=tap.sh
source "$(dirname "$0")/tap.sh"
tap_init docs
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
EVPND=${EVPND:-$ROOT/build/evpnd}
EVPNCTL=${EVPNCTL:-$ROOT/build/evpnctl}

# keys by section, from the schema's tables and from the docs' ini example ("section key" lines)
python3 - >"$T/schema" <<'EOF'
import re
src = open('agent/config/config_keys.c').read()
for sect in ('global', 'neighbor', 'vni', 'vrf'):
    m = re.search(r'const struct keydef cfg_%s_keys\[\] = \{(.*?)\{NULL' % sect, src, re.S)
    for k in re.findall(r'\{"([a-z0-9-]+)",', m.group(1)):
        print(sect, k)
EOF
python3 - >"$T/docs" <<'EOF'
import re
doc = open('docs/configuration.md').read()
ini = re.search(r'```ini\n(.*?)```', doc, re.S).group(1)
sect = None
for line in ini.splitlines():
    line = line.split(';')[0].strip()
    m = re.match(r'\[(\w+)', line)
    if m:
        sect = m.group(1)
    elif '=' in line and sect:
        print(sect, line.split('=')[0].strip())
EOF
n=$(wc -l <"$T/schema")
[ "$n" -gt 40 ] && ok "the schema has $n keys" || bad "only $n keys read from config_keys.c: did its layout change?"
missing=$(sort -u "$T/schema" | comm -23 - <(sort -u "$T/docs") | tr '\n' ',')
[ -z "$missing" ] && ok "docs/configuration.md's example has every key of the schema" ||
	bad "keys in config_keys.c missing from docs/configuration.md's example: $missing"
extra=$(sort -u "$T/docs" | comm -13 <(sort -u "$T/schema") - | tr '\n' ',')
[ -z "$extra" ] && ok "docs/configuration.md's example has no key the schema lacks" ||
	bad "keys in docs/configuration.md's example that config_keys.c does not have: $extra"

# the example loads, once the keys whose values name things on another host are taken out
python3 - >"$T/example.conf" <<'EOF'
import re
doc = open('docs/configuration.md').read()
ini = re.search(r'```ini\n(.*?)```', doc, re.S).group(1)
skip = ('user', 'control-group', 'local-address', 'control-socket')
out = [l for l in ini.splitlines() if l.split('=')[0].strip() not in skip]
print('\n'.join(out))
EOF
if [ -x "$EVPND" ]; then
	if err=$("$EVPND" --check-config -f "$T/example.conf" 2>&1); then
		ok "the example loads (evpnd --check-config)"
	else
		bad "docs/configuration.md's example does not load: $err"
	fi
else
	bad "no evpnd at $EVPND to check the example with"
fi

# relative links
broken=()
for f in README.md docs/*.md; do
	while read -r target; do
		target=${target%%#*}
		[ -z "$target" ] && continue
		[ -e "$(dirname "$f")/$target" ] || broken+=("$f -> $target")
	done < <(grep -oE '\]\([^)]+\)' "$f" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^(https?|mailto):')
done
[ "${#broken[@]}" = 0 ] && ok "every relative link of README.md and docs/ resolves" ||
	bad "broken links: ${broken[*]}"

# the landing page
lines=$(wc -l <README.md)
if grep -q '^scripts/demo.sh' README.md && grep -q '^scripts/test.sh' README.md && [ "$lines" -lt 150 ]; then
	ok "README.md is a landing page ($lines lines) with the two commands"
else
	bad "README.md: the two commands missing or $lines lines (a landing page, under 150)"
fi

# the operations guide's evpnctl synopsis names commands evpnctl has
if [ -x "$EVPNCTL" ]; then
	unknown=()
	while read -r cmd; do
		"$EVPNCTL" help $cmd >/dev/null 2>&1 || unknown+=("$cmd")
	done < <(awk '/^```sh$/ { c = 1; next } /^```$/ { c = 0 } c && /^evpnctl [a-z]/ { print $2 ($3 ~ /^[a-z]+$/ ? " " $3 : "") }' docs/operations.md | sort -u)
	[ "${#unknown[@]}" = 0 ] && ok "every evpnctl command of docs/operations.md is one evpnctl knows" ||
		bad "evpnctl does not know: ${unknown[*]}"
else
	bad "no evpnctl at $EVPNCTL"
fi

echo "$fails failed"
[ "$fails" = 0 ]
