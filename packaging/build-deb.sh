#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the evpnd Debian package from this tree with dpkg-buildpackage (debhelper), in a scratch copy
# whose top holds packaging/debian as debian/, so the tree itself gets no build artefacts.
# Usage: packaging/build-deb.sh [OUTDIR]   (default: build-deb/; needs debhelper and the build-deps)
# Builds evpnd_VERSION_ARCH.deb and python3-evpnd_VERSION_all.deb (the Python client); prints the
# path of evpnd's .deb last (python3-evpnd's is beside it).
# EVPND_DEB_VERSION=V (e.g. 0.1.0+rebuild1): build as version V instead of the changelog's, by a
# changelog entry added to the scratch copy only (tests/integration/test_systemd_host.sh upgrades
# from one build to another this way).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-deb}

ver=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
cmake_ver=$(sed -n 's/^project(evpnd VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
if [ "${ver%%-*}" != "$cmake_ver" ]; then
	echo "build-deb: packaging/debian/changelog says $ver, CMakeLists.txt $cmake_ver: add a changelog entry (dch -v $cmake_ver)" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/evpnd-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/evpnd-$ver
mkdir "$tree"
tar -C "$src" --exclude=packaging/debian --exclude=__pycache__ --exclude='*.egg-info' --exclude=python/build \
	-cf - CMakeLists.txt README.md agent bgp docs lib netlink packaging python scripts tests | tar -C "$tree" -xf -
cp -a "$src/packaging/debian" "$tree/debian"
if [ -n "${EVPND_DEB_VERSION:-}" ]; then
	[[ $EVPND_DEB_VERSION =~ ^$cmake_ver([+~][A-Za-z0-9.+~]*)?$ ]] ||
		{ echo "build-deb: EVPND_DEB_VERSION=$EVPND_DEB_VERSION does not start with the upstream version $cmake_ver" >&2; exit 1; }
	dist=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Distribution)
	{
		printf 'evpnd (%s) %s; urgency=medium\n\n  * Rebuild of %s as %s (EVPND_DEB_VERSION).\n\n' \
			"$EVPND_DEB_VERSION" "$dist" "$ver" "$EVPND_DEB_VERSION"
		printf ' -- evpnd developers <evpnd@example.org>  %s\n\n' "$(date -R)"
		cat "$src/packaging/debian/changelog"
	} >"$tree/debian/changelog"
	ver=$EVPND_DEB_VERSION
fi

# -b: binary only; -us -uc: unsigned; the log goes to OUTDIR for when lintian or the build complains
mkdir -p "$out"
if ! (cd "$tree" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=2}" \
	dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -30 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
	exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
cp "$work"/evpnd_"$ver"_"$arch".deb "$work"/python3-evpnd_"$ver"_all.deb "$work"/*.buildinfo "$work"/*.changes "$out"/
cp "$work"/*.ddeb "$out"/ 2>/dev/null || true
echo "$out/evpnd_${ver}_$arch.deb"
