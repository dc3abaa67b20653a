# Shared by run.sh, test.sh and bench.sh: install what is missing, then build.
# Source it; it defines ensure_packages and build_tree and sets ROOT.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian 12 packages Baraza builds and runs with.
BARAZA_PACKAGES=(
  cmake g++ make pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost-dev libsqlite3-dev libssl-dev
  libjemalloc-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libsimdjson-dev catch2 openssl
  libcurl4-openssl-dev python3-aiosmtpd prometheus-cpp-dev libicu-dev libpq-dev
  dpkg-dev
)

say() { printf '%s\n' "$*" >&2; }

# Installs the packages in "$@" that are not installed yet; silent when all are.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "error: missing packages (${missing[*]}); run as root or install them."; exit 1; }
    sudo="sudo"
  fi
  say "installing ${#missing[@]} missing package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_tree DIR BUILD_TYPE [extra cmake args...]: configures once, builds in parallel.
build_tree() {
  local dir="$1" type="$2"; shift 2
  local jobs="${BARAZA_JOBS:-$(nproc 2>/dev/null || echo 2)}"
  # ccache keeps its cache in ~/.cache/ccache, shared by every clone on the machine.
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    say "configuring $type build in ${dir#$ROOT/}"
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >/dev/null
  fi
  say "building (-j$jobs; the first build takes a few minutes)"
  local log="$dir/build.log"
  if ! cmake --build "$dir" -j"$jobs" >"$log" 2>&1; then
    grep -E -A3 "error|Error" "$log" | head -40 >&2
    say "error: the build failed; the full log is $log"
    exit 1
  fi
}
