#!/usr/bin/env node
// The agent's own native check. Unlike the workspace's, it never asks for re2 (the agent has no user patterns), and
// nothing it checks is fatal: each binding only makes the agent faster or gives it terminals, and the agent says what
// it does without one.
'use strict';
const path = require('node:path');

function loads(name, relativePath) {
  try {
    require(path.join(path.dirname(require.resolve(`${name}/package.json`)), relativePath));
    return null;
  } catch (error) {
    return error.message.split('\n')[0];
  }
}

const notes = [];
const ssh2 = loads('ssh2', 'lib/protocol/crypto/build/Release/sshcrypto.node');
if (ssh2) notes.push(`ssh2 crypto binding did not load: SSH runs on the pure-JavaScript fallback, correct but slower (${ssh2})`);
const pty = loads('node-pty', 'lib/index.js');
if (pty) notes.push(`node-pty did not load: sessions get no terminal until it is built (fleetgate-agent-build-pty) (${pty})`);
const target = `Node ${process.versions.node} on ${process.platform}-${process.arch}`;
if (notes.length === 0) console.log(`fleetgate-agent native check (${target}): ssh2 crypto and node-pty bindings loaded.`);
else for (const note of notes) console.warn(`fleetgate-agent native check (${target}): ${note}`);
