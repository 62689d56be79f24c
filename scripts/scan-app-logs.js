#!/usr/bin/env node
// Scans the output of every app an e2e run started (.test-results/app-logs, written by @fleetgate/testing's
// startAppProcess) for secrets: user and device tokens, passwords, private keys, API keys, internal and Stripe
// credentials. Prints each finding (file, line, rule, a masked excerpt) and exits 1 if there is any, or if there is
// nothing to scan (an e2e run that started no app proves nothing).
'use strict';
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** Passwords the e2e suite itself uses: their plain text must never reach a log. */
const testPasswords = [
  'owner-password-1',
  'correct horse battery',
  'a long passphrase',
  'a brand new passphrase',
  'not-the-password',
];

const redacted = '(?!\\[redacted\\]|\\[Redacted\\]|\\*+")';
const rules = [
  { name: 'JSON web token', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
  { name: 'PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { name: 'OpenSSH private key body', pattern: /b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/]{20,}/ },
  { name: 'Authorization header', pattern: new RegExp(`"authorization"\\s*:\\s*"${redacted}(?:Bearer|Basic)\\s+\\S`, 'i') },
  { name: 'API key header', pattern: new RegExp(`"x-api-key"\\s*:\\s*"${redacted}[^"]+"`, 'i') },
  { name: 'internal token header', pattern: new RegExp(`"x-internal-token"\\s*:\\s*"${redacted}[^"]+"`, 'i') },
  {
    name: 'password or secret field',
    pattern: new RegExp(
      `"(?:password|current_password|new_password|passphrase|recovery_code|private_key|secret|client_secret)"\\s*:\\s*"${redacted}[^"]+"`,
      'i',
    ),
  },
  { name: 'token in a query string', pattern: /[?&](?:token|sig|sign|password|api_key)=(?!\[redacted\])[^&\s"]{6,}/i },
  { name: 'Stripe secret key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/ },
  { name: 'Stripe webhook secret', pattern: /\bwhsec_[A-Za-z0-9]{10,}/ },
  ...testPasswords.map((password) => ({
    name: 'a test password',
    pattern: new RegExp(password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  })),
];

/** Findings in one text: the rule and a masked excerpt for each line that matches a rule. */
function findSecrets(text) {
  const findings = [];
  text.split('\n').forEach((line, index) => {
    for (const rule of rules) {
      const match = rule.pattern.exec(line);
      if (!match) continue;
      const shown = `${match[0].slice(0, 12)}…`;
      findings.push({ line: index + 1, rule: rule.name, excerpt: shown });
    }
  });
  return findings;
}

function main() {
  const directory = process.argv[2] ?? path.join(__dirname, '..', '.test-results', 'app-logs');
  const files = existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.log')) : [];
  if (files.length === 0) {
    console.log(`scan-app-logs: no app logs in ${directory}; the e2e run started no app, so nothing was proved`);
    process.exit(1);
  }
  let bytes = 0;
  let total = 0;
  for (const file of files.sort()) {
    const text = readFileSync(path.join(directory, file), 'utf8');
    bytes += text.length;
    for (const finding of findSecrets(text)) {
      total += 1;
      console.log(`${file}:${finding.line}: ${finding.rule}: ${finding.excerpt}`);
    }
  }
  console.log(`scan-app-logs: ${files.length} app logs, ${Math.round(bytes / 1024)} KiB, ${total} secret(s) found`);
  process.exit(total === 0 ? 0 : 1);
}

module.exports = { findSecrets, rules };
if (require.main === module) main();
