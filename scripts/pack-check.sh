#!/usr/bin/env bash
# Packs raft-tui as `npm publish` would, installs the tarball into a fresh prefix, and runs the
# installed command from another folder: proves the package ships a fresh, working dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "packed $tarball"
tar -tzf "$work/$tarball" | sed 's/^/  /'
if tar -xzOf "$work/$tarball" --wildcards 'package/dist/*.js' | grep -q sourceMappingURL; then
  echo "the package has sourceMappingURL comments for maps it does not ship" >&2
  exit 1
fi
npm install --silent --no-audit --no-fund --global --prefix "$work/prefix" "$work/$tarball"
bin="$work/prefix/bin/raft-tui"
cd "$work"
"$bin" --version
"$bin" --help >/dev/null
"$bin" check --seeds 3
echo "the packed package installs and runs"
