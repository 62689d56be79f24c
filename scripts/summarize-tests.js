#!/usr/bin/env node
// Adds up the Jest/Vitest JSON reports of every project and prints one final line "N passed, N failed".
// A project that should have reported but did not (it crashed before writing) counts as one failure.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const [directory, ...projects] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const project of projects) {
  const file = path.join(directory, `${project}.json`);
  if (!existsSync(file)) {
    console.log(`${project.padEnd(20)} no report (the test run crashed or was not started): counted as 1 failure`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const suiteFailures = (report.testResults ?? []).filter(
    (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).every((test) => test.status !== 'failed'),
  ).length;
  const projectPassed = report.numPassedTests ?? 0;
  const projectFailed = (report.numFailedTests ?? 0) + suiteFailures;
  const projectSkipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`${project.padEnd(20)} ${projectPassed} passed, ${projectFailed} failed, ${projectSkipped} skipped`);
  passed += projectPassed;
  failed += projectFailed;
  skipped += projectSkipped;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
