#!/bin/sh
# Compiles node-pty's one native file for this device's Node and CPU: node-pty ships no Linux prebuilds, so on an ARM
# board (Raspberry Pi OS, Node 18) this is how sessions get terminals. It needs a C++ compiler and Node's headers
# (Debian and Raspberry Pi OS: `apt-get install build-essential libnode-dev`); no python3, npm or node-gyp.
set -eu
self="$(readlink -f "$0")"
package="$(cd "$(dirname "$self")/.." && pwd)"
pty="$package/node_modules/node-pty"
addon="$package/node_modules/node-addon-api"
node="${NODE:-$(command -v node || true)}"
[ -n "$node" ] || { echo "fleetgate-agent-build-pty: node is not installed" >&2; exit 1; }
node_prefix="$(dirname "$(dirname "$(readlink -f "$node")")")"
headers=""
for candidate in "$node_prefix/include/node" /usr/include/node /usr/local/include/node; do
  if [ -f "$candidate/node_api.h" ]; then headers="$candidate"; break; fi
done
[ -n "$headers" ] || { echo "fleetgate-agent-build-pty: Node's headers (node_api.h) are missing: apt-get install libnode-dev" >&2; exit 1; }
cxx="${CXX:-g++}"
command -v "$cxx" >/dev/null || { echo "fleetgate-agent-build-pty: no C++ compiler ($cxx): apt-get install build-essential" >&2; exit 1; }
echo "fleetgate-agent-build-pty: compiling node-pty for $("$node" -p 'process.platform + "-" + process.arch') with Node $("$node" -p 'process.versions.node') headers from $headers"
mkdir -p "$pty/build/Release"
"$cxx" -shared -fPIC -pthread -O2 -std=c++17 -Wall -D_FORTIFY_SOURCE=2 -DNAPI_CPP_EXCEPTIONS -DBUILDING_NODE_EXTENSION \
  -DNODE_GYP_MODULE_NAME=pty -I"$headers" -I"$addon" "$pty/src/unix/pty.cc" -o "$pty/build/Release/pty.node.tmp" -lutil
mv "$pty/build/Release/pty.node.tmp" "$pty/build/Release/pty.node"
"$node" -e "require(process.argv[1])" "$pty" && echo "fleetgate-agent-build-pty: node-pty loads; restart the agent to give sessions terminals"
