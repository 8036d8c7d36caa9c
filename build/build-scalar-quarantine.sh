#!/bin/sh
# Compiles build/ScalarQuarantine.c into DIR/libHiFiCScalarQuarantine.so, next to DIR/libLibTorchSharp.so.
# Usage: build-scalar-quarantine.sh SOURCE DIR. No gcc: says so and succeeds (the shim is optional).
src="$1"; dir="${2%/}"; out="$dir/libHiFiCScalarQuarantine.so"
if ! command -v gcc >/dev/null 2>&1; then
  echo "ScalarQuarantine: no gcc, $out not built (TorchSharp binds LibTorchSharp directly)"; exit 0
fi
[ "$out" -nt "$src" ] && [ "$out" -nt "$dir/libLibTorchSharp.so" ] && exit 0
gcc -shared -fPIC -O2 -Wall -o "$out.tmp" "$src" -L"$dir" -Wl,--no-as-needed -l:libLibTorchSharp.so \
    -Wl,--allow-shlib-undefined -Wl,-rpath,'$ORIGIN' -ldl -lpthread && mv -f "$out.tmp" "$out" \
  && echo "ScalarQuarantine: built $out"
