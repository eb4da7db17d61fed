#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/fuzz with -sanitize=fuzzer,address
# and runs each for SECONDS (default 30), seeded from the test vectors and
# Tests/fuzz/seeds. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Exits non-zero on the first crash, leaving the input in .build/fuzz/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(treering1 folded speedscope pprof pyroscope-push session-spec time tree-blob)

out=.build/fuzz
mkdir -p "$out/modules" "$out/crashes"
swift package resolve >/dev/null
protobuf=$(swift package show-dependencies --format json | python3 -c '
import json, sys
def walk(d):
    for dep in d["dependencies"]:
        if dep["identity"] == "swift-protobuf":
            print(dep["path"]); sys.exit()
        walk(dep)
walk(json.load(sys.stdin))')

build() {
  # SwiftProtobuf (pprof) plain; the core and the targets instrumented.
  echo "building the fuzz targets in $out"
  swiftc -parse-as-library -O -wmo -module-name SwiftProtobuf -package-name swift_protobuf \
    -emit-module -emit-module-path "$out/modules/SwiftProtobuf.swiftmodule" \
    -emit-library -static -o "$out/libSwiftProtobuf.a" \
    $(find "$protobuf/Sources/SwiftProtobuf" -name '*.swift') 2>&1 | grep -v warning || true
  swiftc -parse-as-library -O -wmo -sanitize=fuzzer,address -module-name TreeringCore -I "$out/modules" \
    -emit-module -emit-module-path "$out/modules/TreeringCore.swiftmodule" \
    -emit-library -static -o "$out/libTreeringCore.a" \
    $(find Sources/TreeringCore -name '*.swift')
  swiftc -parse-as-library -O -sanitize=fuzzer,address -I "$out/modules" -L "$out" -lTreeringCore -lSwiftProtobuf \
    Tests/fuzz/FuzzTargets.swift Sources/TreeringServer/Input/SessionSpecBody.swift \
    -o "$out/treering-fuzz" 2>&1 | grep -v "Cannot export local symbol" || true
  [ -x "$out/treering-fuzz" ]
}
build

seeds() {
  case "$1" in
    treering1) echo Tests/vectors/treering1 ;;
    folded) echo Tests/vectors/importers/pyspy.txt Tests/vectors/importers/pyspy-threads.txt ;;
    speedscope) echo Tests/vectors/importers/pyspy.speedscope.json Tests/vectors/importers/pyinstrument.speedscope.json ;;
    pprof) echo Tests/vectors/importers/pyroscope.pb ;;
  esac
  [ -d "Tests/fuzz/seeds/$1" ] && echo "Tests/fuzz/seeds/$1"
  return 0
}

total=0
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus"
  # Seeds are copied in: libFuzzer writes what it finds to the first folder.
  for s in $(seeds "$t"); do
    if [ -d "$s" ]; then find "$s" -maxdepth 1 -type f -size -1M -exec cp {} "$corpus/" \; ; else cp "$s" "$corpus/"; fi
  done
  log="$out/$t.log"
  if ! TREERING_FUZZ_TARGET="$t" ASAN_OPTIONS=detect_leaks=0 "$out/treering-fuzz" "$corpus" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -artifact_prefix="$out/crashes/$t-" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz $t: CRASH (see $log and $out/crashes)"; tail -40 "$log"; exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  total=$((total + runs))
  echo "fuzz $t: $runs executions in ${seconds} s, no crash ($(ls "$corpus" | wc -l) inputs in the corpus)"
done
echo "fuzz: $total executions over ${#targets[@]} targets, 0 crashes"
