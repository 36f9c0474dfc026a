# shellcheck shell=bash
# Source this file: `source scripts/engines/env.sh`
# Exports the cache locations of the engines built by build.sh for the versions pinned in
# versions.env, and puts ENGINES_BIN first on PATH. Does not build anything.
#
#   ENGINES_VERSIONS_FILE  scripts/engines/versions.env
#   ENGINES_KEY            first 16 hex chars of sha256(versions.env without comments/blank lines)
#   ENGINES_HOME           ${IMMUTABLE_INFRA_CACHE:-$HOME/.cache/immutable-infra}/engines/$ENGINES_KEY
#   ENGINES_BIN            $ENGINES_HOME/bin   (hard links into ENGINES_STORE)
#   ENGINES_STORE          ${IMMUTABLE_INFRA_CACHE:-$HOME/.cache/immutable-infra}/engines/store
#                          (one entry per component and its own inputs, shared by every key)
#   ENGINES_CRDS           $ENGINES_HOME/crds   (one sub-directory per project)

_engines_dir="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)"
export ENGINES_VERSIONS_FILE="$_engines_dir/versions.env"
# Key = hash of the KEY=value lines only, so editing comments does not invalidate the cache.
export ENGINES_KEY="$(sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' "$ENGINES_VERSIONS_FILE" | sha256sum | cut -c1-16)"
export ENGINES_HOME="${IMMUTABLE_INFRA_CACHE:-$HOME/.cache/immutable-infra}/engines/$ENGINES_KEY"
export ENGINES_BIN="$ENGINES_HOME/bin"
export ENGINES_STORE="${IMMUTABLE_INFRA_CACHE:-$HOME/.cache/immutable-infra}/engines/store"
export ENGINES_CRDS="$ENGINES_HOME/crds"
case ":$PATH:" in
  *":$ENGINES_BIN:"*) ;;
  *) export PATH="$ENGINES_BIN:$PATH" ;;
esac
unset _engines_dir
