#!/usr/bin/env node
// Local demo only: logs in as the demo owner, accepts the demo device once it has registered, registers the demo
// SSH key, and waits until the device is online. Usage: node scripts/demo-enrol.js <api-url> <device-name> <pubkey-file>
'use strict';
const { readFileSync } = require('node:fs');

const [apiUrl, deviceName, publicKeyFile] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const login = await fetch(`${apiUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-password' }),
  });
  if (!login.ok) throw new Error(`demo login failed: HTTP ${login.status}`);
  const headers = { authorization: `Bearer ${(await login.json()).token}`, 'content-type': 'application/json' };
  let device;
  for (let attempt = 0; attempt < 150 && !device; attempt++) {
    const list = await (await fetch(`${apiUrl}/api/devices?per_page=100`, { headers })).json();
    device = list.find((entry) => entry.name === deviceName);
    if (!device) await sleep(200);
  }
  if (!device) throw new Error(`the demo agent did not register as ${deviceName}`);
  if (device.status !== 'accepted') await fetch(`${apiUrl}/api/devices/${device.uid}/accept`, { method: 'PATCH', headers });
  const data = Buffer.from(readFileSync(publicKeyFile, 'utf8').trim()).toString('base64');
  const key = await fetch(`${apiUrl}/api/sshkeys/public-keys`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ data, name: 'local demo key', username: '.*', filter: { hostname: '.*' } }),
  });
  if (!key.ok && key.status !== 409) throw new Error(`registering the demo key failed: HTTP ${key.status}`);
  for (let attempt = 0; attempt < 150; attempt++) {
    if ((await (await fetch(`${apiUrl}/api/devices/${device.uid}`, { headers })).json()).online) return;
    await sleep(200);
  }
  throw new Error('the demo device did not come online');
}

main().catch((error) => {
  console.error(`[local] ${error.message}`);
  process.exit(1);
});
