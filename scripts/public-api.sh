#!/usr/bin/env bash
# Public API files of the packages (docs/public-api.md).
#   scripts/public-api.sh [project...]   regenerate PublicAPI.Unshipped.txt: every public symbol that is not in
#                                        PublicAPI.Shipped.txt (after a merge, after adding or changing API)
#   scripts/public-api.sh --ship         release: move the Unshipped entries into Shipped (applying *REMOVED*)
# Projects: every src/*/*.csproj whose public API is tracked (not TrackPublicApi=false), or those named.
# Needs the .NET SDK (dotnet format); restores, builds nothing else, reads only the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

header='#nullable enable'

tracked() {
  local project
  for project in $(ls src/*/*.csproj | LC_ALL=C sort); do
    grep -q '<TrackPublicApi>false</TrackPublicApi>' "$project" || printf '%s\n' "$project"
  done
}

# Entries of a file without its header and blank lines, sorted (ordinal).
entries() { grep -v -e "^$header\$" -e '^[[:space:]]*$' "$1" | LC_ALL=C sort -u || true; }

ship() {
  local project dir shipped unshipped removed tmp
  for project in $(tracked); do
    dir=$(dirname "$project")
    shipped=$dir/PublicAPI.Shipped.txt
    unshipped=$dir/PublicAPI.Unshipped.txt
    tmp=$(mktemp)
    removed=$(entries "$unshipped" | grep '^\*REMOVED\*' | sed 's/^\*REMOVED\*//' || true)
    { entries "$shipped"; entries "$unshipped" | grep -v '^\*REMOVED\*' || true; } | LC_ALL=C sort -u \
      | { if [ -n "$removed" ]; then grep -v -x -F -e "$removed" || true; else cat; fi; } > "$tmp"
    { printf '%s\n' "$header"; cat "$tmp"; } > "$shipped"
    printf '%s\n' "$header" > "$unshipped"
    rm -f "$tmp"
    echo "$dir: $(entries "$shipped" | wc -l) entries shipped"
  done
}

regenerate() {
  local project dir file removed
  for project in "$@"; do
    dir=$(dirname "$project")
    for file in Shipped Unshipped; do
      [ -f "$dir/PublicAPI.$file.txt" ] || printf '%s\n' "$header" > "$dir/PublicAPI.$file.txt"
    done
    # Start the Unshipped file again from the Shipped one: what was unshipped and is gone simply disappears;
    # hand-written *REMOVED* entries (shipped API taken away on purpose) are kept.
    removed=$(entries "$dir/PublicAPI.Unshipped.txt" | grep '^\*REMOVED\*' || true)
    { printf '%s\n' "$header"; [ -z "$removed" ] || printf '%s\n' "$removed"; } > "$dir/PublicAPI.Unshipped.txt"
    echo "$project: adding the public API that is not shipped (RS0016)..."
    dotnet format analyzers "$project" --diagnostics RS0016 RS0037 --severity info
    # Keep the file sorted (ordinal) so that merges of two branches' additions are plain line merges.
    { printf '%s\n' "$header"; entries "$dir/PublicAPI.Unshipped.txt"; } > "$dir/PublicAPI.Unshipped.tmp"
    mv "$dir/PublicAPI.Unshipped.tmp" "$dir/PublicAPI.Unshipped.txt"
    echo "$dir/PublicAPI.Unshipped.txt: $(entries "$dir/PublicAPI.Unshipped.txt" | wc -l) entries"
  done
  echo "Shipped API that no longer exists still fails the build (RS0017): add '*REMOVED*<its line>' to PublicAPI.Unshipped.txt on purpose."
}

if [ "${1:-}" = "--ship" ]; then
  ship
elif [ $# -gt 0 ]; then
  regenerate "$@"
else
  # shellcheck disable=SC2046
  regenerate $(tracked)
fi
