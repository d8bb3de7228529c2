#!/usr/bin/env bash
# Installs the Debian 12 packages tlsdissect needs to build and test (run as root).
set -euo pipefail
packages=(
  build-essential cmake pkg-config python3
  libpcap-dev libcli11-dev libfmt-dev nlohmann-json3-dev catch2 libssl-dev zlib1g-dev
  libbrotli-dev libzstd-dev  # with zlib: RFC 8879 compressed certificates
  libnghttp3-dev  # QPACK decoding of HTTP/3 header fields
  libnghttp2-dev  # HPACK decoding of HTTP/2 header fields
  ieee-data   # the IEEE OUI registry, source of the vendor table
  tshark      # the reference dissector for the differential tests
  python3-jsonschema  # validates the JSON output against docs/*.schema.json
  python3-scapy       # tampers with a capture copy in the signature check test
  python3-brotli      # decompresses tshark's compressed certificates in a differential test
  python3-cryptography  # a second X.509 parser for the JA4X differential test
  ca-certificates     # the DigiCert root whose JA4X a unit test compares with the JA4 project's
  time        # /usr/bin/time: peak memory in the adversarial tests
  clang       # the fuzz targets (libFuzzer)
  chromium    # the --html browser test (headless, DevTools protocol)
  fonts-wqy-microhei  # Chinese glyphs for the browser tests' screenshots and PDFs
  jq          # the jq examples in docs/teaching.md, re-run by its ctest
  sqlite3     # the SQLite recipe test (docs/scaling.md)
  man-db bash-completion zsh  # the installed manual page and completions (tests/cli/install_test.sh)
  # tools/scale/tlsdissect-scale and its test (label scale): Dask's scheduler and workers,
  # PostgreSQL's client library for Python, and a PostgreSQL server (the test starts its own)
  python3-dask python3-distributed python3-psycopg2 postgresql
  libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes for clang (only recommended by clang)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
