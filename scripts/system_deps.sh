#!/usr/bin/env bash
# Install the Debian packages zhida's tests use, only when missing (needs root or sudo; apt-get):
#   npm (front-end assets), chromium (browser tests), fonts-noto-cjk (PDF reports and screenshots),
#   Java >= 17 (Spark; checked by version, not presence), postgresql (the PostgreSQL half of the suite).
# ZHIDA_SYSTEM_DEPS_DRY_RUN=1 prints what would be installed and installs nothing.
set -euo pipefail

# The major version of the `java` on PATH (11, 17, 21; 8 for "1.8.0_x"), or 0 when there is none.
java_major() {
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  case "$v" in
    1.*) v=${v#1.}; echo "${v%%.*}" ;;
    "") echo 0 ;;
    *) v=${v%%[.+-]*}; echo "${v:-0}" ;;
  esac
}

need=()
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
# WeasyPrint subsets fonts with HarfBuzz; without it (fontTools) one CJK PDF report takes > 30 s
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
java_version=$(java_major)
[ "$java_version" -ge 17 ] || need+=(openjdk-17-jre-headless)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)

if [ "${ZHIDA_SYSTEM_DEPS_DRY_RUN:-}" = 1 ]; then
  echo "java ${java_version}; would install: ${need[*]:-nothing}"
  exit 0
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  if [ "$java_version" -lt 17 ]; then  # an older default java stays first on PATH unless switched
    jdk=$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -n1)
    [ -n "$jdk" ] && $SUDO update-alternatives --set java "$jdk" >/dev/null
  fi
fi
if [ "$(java_major)" -lt 17 ]; then
  echo "Spark needs Java >= 17; \`java -version\` reports $(java_major)" >&2
  exit 1
fi
