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

const problems = [
  check('ssh2', 'lib/protocol/crypto/build/Release/sshcrypto.node'),
  // The agent's shells run on real pseudo-terminals through node-pty's binding.
  check('node-pty', 'build/Release/pty.node'),
  // User-supplied patterns (key usernames and hostnames, firewall rules) run on RE2: linear time, no ReDoS.
  check('re2', 'build/Release/re2.node'),
].filter(Boolean);
if (problems.length > 0) {
  console.error('Native module check FAILED:');
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error('Install python3, make and g++ (bash scripts/services.sh deps), then run `npm rebuild ssh2 node-pty re2`.');
  process.exit(1);
}
console.log('Native module check passed: ssh2 crypto, node-pty and re2 bindings loaded.');
