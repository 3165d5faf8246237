#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: packaging/build-deb.sh builds it from a scratch copy of the tree; its contents,
# modes, conffiles and shlibs-computed Depends are checked; lintian must report no error or warning
# that packaging/debian/evpnd.lintian-overrides does not explain; the manual pages render without
# groff warnings and cover every configuration key (agent/config/config_keys.c) and every evpnctl command;
# the shipped evpnd.conf parses once uncommented; systemd-analyze verifies the unit. Then the
# installed (extracted) evpnd runs the way the unit runs it: capability bounding set and
# NoNewPrivileges read from the unit file, the file system read-only but for the socket directory
# (ProtectSystem=strict), READY=1 and STOPPING=1 to a NOTIFY_SOCKET this test listens on, in a
# namespace with a bridge and a VXLAN device, peering with a second packaged evpnd: the session
# comes up, flood entries are written to the kernel, evpnctl answers, ARP snooping opens its socket.
# python3-evpnd, built beside it: its modules in /usr/lib/python3/dist-packages/evpnd/, lintian-clean,
# importable from the extracted tree, and installed for real (dpkg -i, then purged) when this machine
# has no python3-evpnd of its own: /usr/bin/python3 imports it from the system path.
source "$(dirname "$0")/lib.sh"
require ip bridge python3 dpkg-deb dpkg-buildpackage dh dh_python3 lintian groff setpriv unshare findmnt
t_init
SRC=$EVPND_SRC

step "build the package (packaging/build-deb.sh)"
t0=${EPOCHREALTIME/[.,]/}
DEB=$("$SRC/packaging/build-deb.sh" "$T_DIR/out" | tail -n 1) || fail "packaging/build-deb.sh failed"
t1=${EPOCHREALTIME/[.,]/}
log "built $(basename "$DEB") in $(((t1 - t0) / 1000)) ms"
[ -f "$DEB" ] || fail "no .deb at '$DEB'"
VER=$(dpkg-parsechangelog -l "$SRC/packaging/debian/changelog" -S Version)

step "contents and modes"
dpkg-deb -c "$DEB" >"$T_DIR/contents"
# mode, owner and path of every file that must be there (directories are dpkg's business)
while read -r mode path; do
	awk -v m="$mode" -v p="./$path" '$1 == m && $2 == "root/root" && $6 == p { f = 1 } END { exit !f }' \
		"$T_DIR/contents" || fail "$path: not in the package as $mode root/root: $(grep -F "$path" "$T_DIR/contents")"
done <<'EOF'
-rwxr-xr-x usr/sbin/evpnd
-rwxr-xr-x usr/bin/evpnctl
-rw-r----- etc/evpnd/evpnd.conf
-rw-r--r-- lib/systemd/system/evpnd.service
-rw-r--r-- usr/share/man/man8/evpnd.8.gz
-rw-r--r-- usr/share/man/man8/evpnctl.8.gz
-rw-r--r-- usr/share/man/man5/evpnd.conf.5.gz
-rw-r--r-- usr/share/doc/evpnd/copyright
-rw-r--r-- usr/share/bash-completion/completions/evpnctl
EOF
if grep -E ' \./usr/sbin/evpnctl$| \./usr/bin/evpnd$' "$T_DIR/contents" >/dev/null; then
	fail "a program in the wrong directory: $(grep -E 'evpnd$|evpnctl$' "$T_DIR/contents")"
fi
dpkg-deb -f "$DEB" Package Version Architecture Depends >"$T_DIR/fields"
grep -x "Version: $VER" "$T_DIR/fields" >/dev/null || fail "version is not $VER: $(cat "$T_DIR/fields")"
[ "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles)" = /etc/evpnd/evpnd.conf ] ||
	fail "conffiles is not exactly /etc/evpnd/evpnd.conf"
# removal stops the service (dh_installsystemd --no-start drops that; test_systemd_host.sh runs it)
dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./prerm | grep -qF "deb-systemd-invoke stop 'evpnd.service'" ||
	fail "the prerm does not stop evpnd.service on removal"

ROOT=$T_DIR/root
dpkg-deb -x "$DEB" "$ROOT"
# Depends comes from dpkg-shlibdeps: every library the programs load has its package listed
depends=$(sed -n 's/^Depends: //p' "$T_DIR/fields")
for lib in $(objdump -p "$ROOT/usr/sbin/evpnd" "$ROOT/usr/bin/evpnctl" | awk '$1 == "NEEDED" { print $2 }' | sort -u); do
	# no early exit in the reader: under pipefail a writer cut off by SIGPIPE fails the pipeline
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !p { p = $NF } END { print p }')
	[ -n "$path" ] || fail "library $lib not found on this machine"
	pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | sed -n '1s/:.*//p') ||
		pkg=$(dpkg -S "$path" | sed -n '1s/:.*//p')
	case ", $depends," in *", $pkg "* | *", $pkg,"*) ;; *) fail "$lib ($pkg) is not in Depends: $depends" ;; esac
done
log "Depends: $depends"

step "the installed programs run"
"$ROOT/usr/sbin/evpnd" --version | grep -xF "evpnd ${VER%%-*}" >/dev/null ||
	fail "evpnd --version: $("$ROOT/usr/sbin/evpnd" --version 2>&1)"
"$ROOT/usr/bin/evpnctl" --version >/dev/null || fail "evpnctl --version failed"
"$ROOT/usr/sbin/evpnd" --help >/dev/null || fail "evpnd --help failed"
"$ROOT/usr/bin/evpnctl" --help >"$T_DIR/evpnctl.help" || fail "evpnctl --help failed"
# the shipped file is all comments: evpnd refuses it and says why; uncommented, every key parses
out=$("$ROOT/usr/sbin/evpnd" --check-config -f "$ROOT/etc/evpnd/evpnd.conf" 2>&1) &&
	fail "the shipped evpnd.conf was accepted as it is: $out"
[[ $out == *"asn is required"* ]] || fail "shipped evpnd.conf: unexpected error: $out"
sed -E 's/^;([a-z[])/\1/' "$ROOT/etc/evpnd/evpnd.conf" >"$T_DIR/uncommented.conf"
"$ROOT/usr/sbin/evpnd" --check-config -f "$T_DIR/uncommented.conf" >/dev/null 2>"$T_DIR/check.err" ||
	fail "the shipped evpnd.conf, uncommented, does not parse: $(cat "$T_DIR/check.err")"

step "python3-evpnd: contents, Depends, import"
PYDEB=$(dirname "$DEB")/python3-evpnd_${VER}_all.deb
[ -f "$PYDEB" ] || fail "no python3-evpnd .deb beside $DEB: $(ls "$(dirname "$DEB")")"
dpkg-deb -c "$PYDEB" >"$T_DIR/pycontents"
PYPKG=usr/lib/python3/dist-packages/evpnd
for f in "$SRC"/python/evpnd/*.py; do
	echo "-rw-r--r-- $PYPKG/$(basename "$f")"
done >"$T_DIR/pywant"
[ "$(wc -l <"$T_DIR/pywant")" -ge 5 ] || fail "python/evpnd has only $(wc -l <"$T_DIR/pywant") modules"
echo "-rw-r--r-- usr/share/doc/python3-evpnd/copyright" >>"$T_DIR/pywant"
while read -r mode path; do
	awk -v m="$mode" -v p="./$path" '$1 == m && $2 == "root/root" && $6 == p { f = 1 } END { exit !f }' \
		"$T_DIR/pycontents" || fail "$path: not in python3-evpnd as $mode root/root"
done <"$T_DIR/pywant"
grep -E ' \./usr/share/doc/python3-evpnd/examples/fleet_inventory\.py$' "$T_DIR/pycontents" >/dev/null ||
	fail "python3-evpnd lacks the example fleet_inventory.py"
[ "$(dpkg-deb -f "$PYDEB" Architecture)" = all ] || fail "python3-evpnd is not Architecture: all"
pydepends=$(dpkg-deb -f "$PYDEB" Depends)
[[ $pydepends == *"python3:any (>= 3.11"* ]] || fail "python3-evpnd's Depends lacks python3 >= 3.11: $pydepends"
dpkg-deb -x "$PYDEB" "$T_DIR/pyroot"
out=$(cd / && PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$T_DIR/pyroot/usr/lib/python3/dist-packages" \
	python3 -c 'import evpnd; print(evpnd.__file__, evpnd.__version__, evpnd.Client().path)' 2>&1) ||
	fail "import evpnd from the extracted python3-evpnd: $out"
[ "$out" = "$T_DIR/pyroot/$PYPKG/__init__.py ${VER%%-*} /run/evpnd/evpnd.sock" ] ||
	fail "import evpnd from the extracted python3-evpnd: $out"
if dpkg -s python3-evpnd >/dev/null 2>&1; then
	log "this machine has python3-evpnd installed: the built one is not installed over it"
else
	# installed, imported by the system's python3 from its own path, purged: back as it was
	dpkg -i "$PYDEB" >"$T_DIR/dpkg.log" 2>&1 || fail "dpkg -i python3-evpnd: $(tail -n 5 "$T_DIR/dpkg.log")"
	out=$(cd / && env -u PYTHONPATH /usr/bin/python3 -c 'import evpnd; print(evpnd.__file__)' 2>&1) || true
	dpkg --purge python3-evpnd >>"$T_DIR/dpkg.log" 2>&1 || fail "dpkg --purge python3-evpnd: $(tail -n 5 "$T_DIR/dpkg.log")"
	[ "$out" = "/$PYPKG/__init__.py" ] || fail "python3 -c 'import evpnd' with python3-evpnd installed: $out"
	[ ! -e "/$PYPKG" ] || fail "dpkg --purge python3-evpnd left /$PYPKG: $(ls -R "/$PYPKG")"
	log "python3-evpnd installs; python3 imports evpnd from /$PYPKG; purged"
fi

step "manual pages: groff warnings, every key and command documented"
for m in man8/evpnd.8 man8/evpnctl.8 man5/evpnd.conf.5; do
	zcat "$ROOT/usr/share/man/$m.gz" >"$T_DIR/page"
	w=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$T_DIR/page" 2>&1) || fail "$m: groff failed: $w"
	[ -z "$w" ] || fail "$m: groff warnings: $w"
	LC_ALL=C.UTF-8 MANWIDTH=80 groff -man -Tutf8 -P-cbou "$T_DIR/page" >"$T_DIR/$(basename "$m").txt"
done
# keys: the schema's tables in agent/config/config_keys.c
keys=$(sed -n 's/^[[:space:]]*{"\([a-z-]*\)", [a-z_]*, \(true\|false\)},$/\1/p' "$SRC/agent/config/config_keys.c" | sort -u)
[ "$(wc -w <<<"$keys")" -ge 30 ] || fail "could not read the keys from agent/config/config_keys.c ($keys)"
for k in $keys; do
	grep -E "^ +$k( |$)" "$T_DIR/evpnd.conf.5.txt" >/dev/null || fail "evpnd.conf(5) does not document '$k'"
	grep -E "^;$k = " "$ROOT/etc/evpnd/evpnd.conf" >/dev/null || fail "the shipped evpnd.conf lacks '$k'"
done
# commands: the first two words of each line of evpnctl --help's Commands list
sed -n '/^Commands:/,/^$/p' "$T_DIR/evpnctl.help" | awk 'NF { print $1, ($2 ~ /^[a-z]+$/ ? $2 : "") }' |
	sed 's/ $//' | grep -v '^Commands:' >"$T_DIR/commands"
[ "$(wc -l <"$T_DIR/commands")" -ge 10 ] || fail "could not read the commands from evpnctl --help"
while read -r c; do
	grep -E "^ +$c( |$)" "$T_DIR/evpnctl.8.txt" >/dev/null || fail "evpnctl(8) does not document '$c'"
done <"$T_DIR/commands"
log "$(wc -w <<<"$keys") keys and $(wc -l <"$T_DIR/commands") commands documented"

step "lintian"
lintian --pedantic --display-info "$DEB" "$PYDEB" >"$T_DIR/lintian.out" 2>&1 || true
grep -v 'running with root privileges' "$T_DIR/lintian.out" >&2 || true
if grep -E '^[EW]: ' "$T_DIR/lintian.out" >/dev/null; then
	fail "lintian errors or warnings (fix them, or explain them in packaging/debian/evpnd.lintian-overrides)"
fi

UNIT=$ROOT/lib/systemd/system/evpnd.service
if command -v systemd-analyze >/dev/null; then
	step "systemd-analyze verify"
	# the unit names /usr/sbin/evpnd, which this machine need not have: verify a copy pointing at ours
	sed "s#/usr/sbin/evpnd#$ROOT/usr/sbin/evpnd#g" "$UNIT" >"$T_DIR/evpnd.service"
	out=$(systemd-analyze verify --man=no "$T_DIR/evpnd.service" 2>&1) || fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
	systemd-analyze security --offline=yes "$T_DIR/evpnd.service" 2>&1 | tail -n 1 >&2 || true
fi

step "evpnd under the unit's options, peering with a second packaged evpnd"
unit_val() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
[ "$(unit_val Type)" = notify ] || fail "the unit is not Type=notify"
[ "$(unit_val Restart)" = on-failure ] || fail "the unit is not Restart=on-failure"
[ "$(unit_val ProtectSystem)" = strict ] || fail "the unit is not ProtectSystem=strict"
[ "$(unit_val NoNewPrivileges)" = yes ] || fail "the unit does not set NoNewPrivileges=yes"
[ "$(unit_val RuntimeDirectory)" = evpnd ] || fail "the unit's RuntimeDirectory is not evpnd"
caps=$(unit_val CapabilityBoundingSet)
for c in CAP_NET_ADMIN CAP_NET_BIND_SERVICE; do
	[[ " $caps " == *" $c "* ]] || fail "CapabilityBoundingSet lacks $c: $caps"
done
# the unit's control socket is the default one, in its RuntimeDirectory
"$ROOT/usr/sbin/evpnd" --help | grep -F "default /run/evpnd/evpnd.sock" >/dev/null ||
	fail "evpnd's default control socket is not in /run/evpnd (the unit's RuntimeDirectory)"
bset=-all
for c in $caps; do bset+=",+$(tr '[:upper:]' '[:lower:]' <<<"${c#CAP_}")"; done
read -ra exec_start <<<"$(unit_val ExecStart)"
[ "${exec_start[0]}" = /usr/sbin/evpnd ] || fail "ExecStart does not run /usr/sbin/evpnd: ${exec_start[*]}"

ns_add h1
ns_add h2
ns_link h1 10.87.0.1/24 h2 10.87.0.2/24
for i in 1 2; do
	n=$(ns h$i)
	ip -n "$n" link add br100 type bridge
	ip -n "$n" link add vx100 type vxlan id 100 local 10.87.0.$i dstport 4789 nolearning
	ip -n "$n" link set vx100 master br100
	for d in vx100 br100; do ip -n "$n" link set "$d" up; done
done
T_DIAG+=("ip netns exec $(ns h1) bridge fdb show dev vx100")
# h1 runs as the unit runs it: the default port 179 (CAP_NET_BIND_SERVICE), ARP snooping (CAP_NET_RAW)
RUN=$T_DIR/run/evpnd # stands for /run/evpnd, the RuntimeDirectory
mkdir -p "$RUN"
chmod 0755 "$RUN"
cat >"$T_DIR/h1.conf" <<EOF
[global]
asn = 64512
router-id = 10.87.0.1
control-socket = $RUN/evpnd.sock
arp-snoop = yes

[neighbor 10.87.0.2]
remote-as = 64512
EOF
cat >"$T_DIR/h2.conf" <<EOF
[global]
asn = 64512
router-id = 10.87.0.2
listen = 10.87.0.2
control-socket = $T_DIR/h2.ctl
connect-retry = 1

[neighbor 10.87.0.1]
remote-as = 64512
EOF
chmod 0600 "$T_DIR/h1.conf"

# systemd's side of the notify protocol: a datagram socket, every message on its own line
NOTIFY=$T_DIR/notify.sock
spawn_host notify python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    m = s.recv(4096).decode()
    print(m.replace("\n", " "), flush=True)
' "$NOTIFY"
wait_for 5 grep -x bound "$T_DIR/notify.out" || fail "the notify listener did not start"

# ProtectSystem=strict: every mount read-only but /proc, /sys and /dev, then the RuntimeDirectory
# bound writable; then the bounding set and no_new_privs, and evpnd exec'd with ExecStart's arguments
# (the configuration path is this test's; the unit's is /etc/evpnd/evpnd.conf).
args=("${exec_start[@]:1}")
for ((i = 0; i < ${#args[@]}; i++)); do
	[ "${args[i]}" = -f ] && args[i + 1]=$T_DIR/h1.conf
done
cat >"$T_DIR/unit-sandbox.sh" <<'EOF'
set -eu
run=$1 bset=$2
shift 2
mount --make-rprivate /
mount --bind "$run" "$run"
findmnt -rno TARGET | while read -r mp; do
	case $mp in /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | "$run") continue ;; esac
	mount -o remount,bind,ro "$mp" 2>/dev/null || true
done
mount -o remount,bind,ro /
# the sandbox holds: the socket directory is writable, the directory around it is not
: >"$run/probe" && rm "$run/probe"
if (: >"$(dirname "$run")/probe") 2>/dev/null; then echo "unit-sandbox: the file system is still writable" >&2; exit 1; fi
exec setpriv --bounding-set "$bset" --no-new-privs -- "$@"
EOF
spawn h1 h1 env NOTIFY_SOCKET="$NOTIFY" unshare -m bash "$T_DIR/unit-sandbox.sh" "$RUN" "$bset" \
	"$ROOT/usr/sbin/evpnd" "${args[@]}"
H1=$SPAWNED_PID
spawn h2 h2 "$ROOT/usr/sbin/evpnd" -f "$T_DIR/h2.conf"
H2=$SPAWNED_PID

wait_for 15 grep -E '^READY=1' "$T_DIR/notify.out" || fail "evpnd sent no READY=1 to NOTIFY_SOCKET"
log "notify: $(tr '\n' '|' <"$T_DIR/notify.out")"
ctl1() { "$ROOT/usr/bin/evpnctl" -s "$RUN/evpnd.sock" "$@"; }
ctl1 show neighbors >/dev/null || fail "evpnctl cannot talk to the sandboxed evpnd"
[ "$(stat -c %a "$RUN/evpnd.sock")" = 600 ] || fail "control socket mode $(stat -c %a "$RUN/evpnd.sock")"
# the sandbox took hold: evpnd's own bounding set and no_new_privs
grep -E '^NoNewPrivs:[[:space:]]+1$' "/proc/$H1/status" >/dev/null || fail "evpnd runs without no_new_privs"
want=$(python3 -c '
import sys
bits = {"CAP_NET_BIND_SERVICE": 10, "CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13}
print("%016x" % sum(1 << bits[c] for c in sys.argv[1:]))' $caps) # one argument per capability
got=$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$H1/status")
[ "$got" = "$want" ] || fail "evpnd's bounding set is $got, the unit's $want"
eff=$(awk '$1 == "CapEff:" { print $2 }' "/proc/$H1/status")
(((0x$eff & ~0x$want) == 0 && (0x$eff >> 12 & 1) == 1)) || fail "evpnd's effective set $eff: not within $want, or without CAP_NET_ADMIN"
log "evpnd CapBnd $got CapEff $(awk '$1 == "CapEff:" { print $2 }' "/proc/$H1/status"), NoNewPrivs 1"

h1_established() {
	ctl1 show neighbors --json | jpy "(one(d, address='10.87.0.2') or {}).get('state') == 'established'"
}
wait_for 20 h1_established || fail "the session between the packaged evpnds did not come up"
has_flood() { ip netns exec "$(ns h1)" bridge fdb show dev vx100 | grep -E '^00:00:00:00:00:00 dst 10\.87\.0\.2 ' >/dev/null; }
wait_for 5 has_flood || fail "the sandboxed evpnd wrote no flood entry for h2 to the kernel"
ctl1 show vnis --json | jpy 'one(d, vni=100)["state"] == "up"' >/dev/null || fail "show vnis: $(ctl1 show vnis 2>&1)"
ctl1 audit >/dev/null || fail "evpnctl audit: $(ctl1 audit 2>&1)"
grep -E 'cannot open a packet socket|Read-only file system|Operation not permitted' "$T_DIR/h1.log" >/dev/null &&
	fail "evpnd met the sandbox: $(grep -E 'packet socket|Read-only|not permitted' "$T_DIR/h1.log")"

step "SIGTERM: STOPPING=1 and a clean exit"
stop_pid "$H1"
[ "$STOPPED_RC" = 0 ] || fail "the sandboxed evpnd exited with status $STOPPED_RC"
grep -x 'STOPPING=1' "$T_DIR/notify.out" >/dev/null || fail "evpnd sent no STOPPING=1"
stop_pid "$H2"
[ "$STOPPED_RC" = 0 ] || fail "h2's evpnd exited with status $STOPPED_RC"
printf '\n%s: PASS\n' "$T_NAME" >&2
