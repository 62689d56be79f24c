#!/usr/bin/env node
// ssh2 falls back to pure-JS crypto without a word when its native binding fails to build, and runs
// 10-16 times slower (docs/adr/0001). This check makes that failure loud at install time and in CI.
'use strict';
const path = require('node:path');

function check(name, relativePath) {
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return `${name} is not installed`;
  }
  try {
    require(path.join(packageDir, relativePath));
    return null;
  } catch (error) {
    return `${name}: native binding ${relativePath} did not load (${error.message.split('\n')[0]})`;
  }
}

/**
 * bufferutil's own entry point falls back to JavaScript when its binding is missing, and so would `ws`, masking
 * every frame of every tunnel byte by byte in JS. Load the binding the way bufferutil does, minus the fallback.
 */
function checkNodeGypBuild(name) {
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return `${name} is not installed`;
  }
  try {
    const nodeGypBuild = require(require.resolve('node-gyp-build', { paths: [packageDir] }));
    const binding = nodeGypBuild(packageDir);
    if (typeof binding.mask !== 'function' || typeof binding.unmask !== 'function') {
      return `${name}: native binding loaded but lacks mask/unmask`;
    }
    return null;
  } catch (error) {
    return `${name}: native binding did not load, ws would mask frames in JavaScript (${error.message.split('\n')[0]})`;
  }
}

// `--agent`: only what the agent loads (ssh2, node-pty, bufferutil). The agent never uses re2, so a device that runs
// only the agent (apps/agent/packaging has its own, non-fatal check) must not need a compiler for it.
const agentOnly = process.argv.includes('--agent');
const problems = [
  check('ssh2', 'lib/protocol/crypto/build/Release/sshcrypto.node'),
  // The agent's shells run on real pseudo-terminals through node-pty's binding.
  check('node-pty', 'build/Release/pty.node'),
  // User-supplied patterns (key usernames and hostnames, firewall rules) run on RE2: linear time, no ReDoS.
  agentOnly ? null : check('re2', 'build/Release/re2.node'),
  // ws masks and unmasks every tunnel frame (gateway and agent) through bufferutil's binding when it loads.
  checkNodeGypBuild('bufferutil'),
].filter(Boolean);
if (problems.length > 0) {
  console.error('Native module check FAILED:');
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error('Install python3, make and g++ (bash scripts/services.sh deps), then run `npm rebuild ssh2 node-pty re2 bufferutil`.');
  process.exit(1);
}
console.log(`Native module check passed: ssh2 crypto, node-pty, ${agentOnly ? '' : 're2 '}and bufferutil bindings loaded.`);
