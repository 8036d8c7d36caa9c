#!/usr/bin/env bash
# Installs the classic codecs that `hific bench rd` compares against (Debian 12 packages).
# Idempotent: apt-get skips what is already installed. Run as root.
set -euo pipefail

packages=(
  libjpeg-turbo-progs   # cjpeg / djpeg
  webp                  # cwebp / dwebp
  libavif-bin           # avifenc / avifdec
  libheif-examples      # heif-enc / heif-dec (HEVC intra via x265, the codec inside BPG)
  libjxl-tools          # cjxl / djxl (optional JPEG XL)
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-codecs.sh must run as root (try: sudo $0)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "All codec packages already installed."
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
