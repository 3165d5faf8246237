#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Privileges in a 2-hypervisor lab (scripts/lab.sh): h1's evpnd runs with `user = nobody` and
# `control-group = nogroup`, h2's as root. Once started, each keeps CAP_NET_ADMIN and (listening on
# 179) CAP_NET_BIND_SERVICE only, in every set (effective, permitted, bounding; nothing inheritable
# or ambient); h1 really is nobody; both still peer, learn and install FDB entries, and reload.
# The control socket: mode 0660 group nogroup on h1; root, nogroup's members (primary or
# supplementary) are served; any other client is refused, by the file mode and, should the mode be
# widened, by evpnd's own SO_PEERCRED check.
source "$(dirname "$0")/lib.sh"

require ip bridge python3 setpriv stat
require_evpnd
t_init
getent passwd nobody >/dev/null && getent group nogroup >/dev/null || skip "no nobody user or nogroup group"
NOBODY=$(id -u nobody) NOGROUP=$(getent group nogroup | cut -d: -f3)
# a uid and gid nobody uses: an outsider
OUT=$((NOBODY - 1234))
getent passwd "$OUT" >/dev/null && fail "test bug: uid $OUT exists"
# NET_ADMIN (12) and NET_BIND_SERVICE (10)
WANT=0000000000001400

step "a 2-hypervisor lab, h1 as nobody with control-group nogroup"
lab_up -n 2 --debug --extra-global-on 1 'user = nobody' --extra-global-on 1 'control-group = nogroup'
lab_wait_mesh 30
H1=$(lab_ip 1) H2=$(lab_ip 2)

# status I FIELD: that line of hypervisor I's evpnd's /proc/PID/status (value only).
status() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$(cat "$LAB_DIR/h$1.pid")/status"; }

step "capabilities and user"
for i in 1 2; do
	for f in CapEff CapPrm CapBnd; do
		v=$(status "$i" "$f")
		[ "$v" = "$WANT" ] || fail "h$i: $f is $v, want $WANT (net_admin, net_bind_service)"
	done
	for f in CapInh CapAmb; do
		v=$(status "$i" "$f")
		[ "$v" = 0000000000000000 ] || fail "h$i: $f is $v, want none"
	done
	[ "$(status "$i" NoNewPrivs)" = 1 ] || fail "h$i: NoNewPrivs not set"
done
read -r -a U1 <<<"$(status 1 Uid)"
read -r -a G1 <<<"$(status 1 Gid)"
[ "${U1[*]}" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] || fail "h1: Uid is ${U1[*]}, want nobody's ($NOBODY) everywhere"
[ "${G1[*]}" = "$NOGROUP $NOGROUP $NOGROUP $NOGROUP" ] || fail "h1: Gid is ${G1[*]}, want $NOGROUP everywhere"
[ "$(status 1 Groups)" = "$NOGROUP" ] || fail "h1: supplementary groups $(status 1 Groups), want $NOGROUP alone"
read -r -a U2 <<<"$(status 2 Uid)"
[ "${U2[0]}" = 0 ] || fail "h2 (no user configured) is not root: ${U2[*]}"
grep -E "privileges: uid $NOBODY, capabilities kept: net_admin, net_bind_service" "$LAB_DIR/h1.log" >/dev/null ||
	fail "h1 did not log its privileges"

step "as nobody, h1 still installs, learns and reloads"
wait_for 15 fdb_remote 1 "$(lab_mac 2)" "$H2" || fail "h1 (nobody): h2's VM MAC not installed"
wait_for 15 fdb_remote 2 "$(lab_mac 1)" "$H1" || fail "h2: h1's VM MAC (learned by h1 as nobody) not installed"
lab macs add 1 20 || fail "lab.sh macs add failed"
# h2_macs_from_h1 N: h2 has at least N of h1's "VM MACs" installed toward h1.
h2_macs_from_h1() {
	local out
	out=$(ip netns exec "$(ns h2)" bridge fdb show dev vx100) || return 1
	[ "$(grep -cE "^02:fa:00:01:[0-9a-f:]+ dst $H1 self" <<<"$out")" -ge "$1" ]
}
wait_for 20 h2_macs_from_h1 20 ||
	fail "h2: the 20 MACs h1 (nobody) learned did not arrive"
vm_ping 1 1 2 1 || fail "VM on h1 cannot ping the VM on h2"
out=$(lab_ctl 1 reload 2>&1) || fail "h1 (nobody) cannot reload: $out"
applied() { grep -c "reload: .* applied" "$LAB_DIR/h1.log" || true; }
n0=$(applied)
kill -HUP "$(cat "$LAB_DIR/h1.pid")"
wait_for 10 eval '[ "$(applied)" -gt "$n0" ]' || fail "h1 (nobody) did not apply a SIGHUP reload"
lab_established 1 || fail "h1's sessions dropped after a reload as nobody"

step "the control socket"
S1=$LAB_DIR/h1.sock S2=$LAB_DIR/h2.sock
[ "$(stat -c '%a %g' "$S1")" = "660 $NOGROUP" ] || fail "h1's socket: $(stat -c '%a %g' "$S1"), want 660 $NOGROUP"
[ "$(stat -c '%a' "$S2")" = 600 ] || fail "h2's socket (no control-group): mode $(stat -c '%a' "$S2"), want 600"
# lab dirs are root's: let the outsiders reach the sockets
chmod o+x "$LAB_DIR"
as() { local u=$1 g=$2; shift 2; setpriv --reuid="$u" --regid="$g" "$@" "$EVPNCTL" -s "$S1" show neighbors --json; }
as "$OUT" "$NOGROUP" --clear-groups >/dev/null 2>&1 || fail "a client with primary group nogroup was refused"
as "$OUT" "$OUT" --groups="$NOGROUP" >/dev/null 2>&1 || fail "a client with supplementary group nogroup was refused"
out=$(as "$OUT" "$OUT" --clear-groups 2>&1) && fail "a client outside nogroup was served: $out"
# the file mode stopped it; widened, evpnd's own check must
chmod 0666 "$S1"
out=$(as "$OUT" "$OUT" --clear-groups 2>&1) && fail "a client outside nogroup was served through a 0666 socket: $out"
grep -F "permission denied" <<<"$out" >/dev/null || fail "the refused client was told: $out"
# (refusals are counted into one line per 10 s; the first is written at once)
grep -E "control: refused [0-9]+ clients? \(the last: pid [0-9]+ uid $OUT gid $OUT: not root nor in the control-group\)" \
	"$LAB_DIR/h1.log" >/dev/null || fail "h1 did not log the refusal"
chmod 0666 "$S2"
out=$(setpriv --reuid="$OUT" --regid="$NOGROUP" --clear-groups "$EVPNCTL" -s "$S2" show neighbors 2>&1) &&
	fail "h2 (no control-group) served a non-root client: $out"
lab_ctl 1 show neighbors >/dev/null || fail "root was refused by h1"
lab_ctl 2 show neighbors >/dev/null || fail "root was refused by h2"
lab_established 1 && lab_established 2 || fail "sessions dropped during the control socket checks"
lab_pass
