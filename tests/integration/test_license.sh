#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The project is Apache-2.0: LICENSE holds the license's text, every source file tracked by git
# (C, headers, shell, Python, CMake, the unit file, the man pages, the completion) names it in an
# SPDX line near its top, and the package's debian/copyright says so in machine-readable form.
# Reads the repository only (git ls-files); needs no root.
set -u
# shellcheck source=tap.sh
source "$(dirname "$0")/tap.sh"
tap_init license
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
command -v git >/dev/null || { echo "FAIL - git is needed (scripts/deps.sh installs it)"; exit 1; }

if grep -q "Apache License" LICENSE 2>/dev/null && grep -q "Version 2.0, January 2004" LICENSE; then
	ok "LICENSE holds the Apache License 2.0"
else
	bad "LICENSE is missing or is not the Apache License 2.0"
fi

# the files a license header belongs in: sources, build files, scripts, the packaged unit and docs
# pages; data (fuzz corpora, captures) and text documents are not
mapfile -t files < <(git ls-files | grep -vE '^tests/(fuzz/(corpus|regress)|data)/' |
	grep -E '\.(c|h|sh|py|cmake|5|8)$|(^|/)CMakeLists\.txt$|^packaging/debian/(rules|evpnd\.service)$|^packaging/bash-completion/|^scripts/vm/init$')
[ "${#files[@]}" -gt 200 ] && ok "${#files[@]} source files to look at" ||
	bad "only ${#files[@]} source files found by git ls-files: is this a clone of the repository?"
missing=()
for f in "${files[@]}"; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2\.0' || missing+=("$f")
done
[ "${#missing[@]}" = 0 ] && ok "every source file has an SPDX line" ||
	bad "${#missing[@]} source files without 'SPDX-License-Identifier: Apache-2.0' in their first 3 lines: ${missing[*]:0:10}"

c=packaging/debian/copyright
if head -n 1 "$c" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' &&
	grep -q '^License: Apache-2.0$' "$c" && ! grep -qi 'undecided' "$c" &&
	grep -q '/usr/share/common-licenses/Apache-2.0' "$c"; then
	ok "debian/copyright: machine-readable, Apache-2.0"
else
	bad "debian/copyright is not the machine-readable Apache-2.0 form"
fi

echo "$fails failed"
[ "$fails" = 0 ]
