// Keystroke echo latency: one byte to `cat` on the far side and back, COUNT times, one at a time. Prints
// "p50 p99" in milliseconds. Usage: node keystroke.cjs COUNT ssh-arguments... (the remote command is added here).
const { spawn } = require('node:child_process');

const count = Number(process.argv[2]);
const child = spawn('ssh', [...process.argv.slice(3), 'cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
const samples = [];
let sentAt = 0n;
let pending = false;

function send() {
  pending = true;
  sentAt = process.hrtime.bigint();
  child.stdin.write('x');
}

child.stdout.on('data', (data) => {
  if (!pending) return;
  for (let index = 0; index < data.length && pending; index++) {
    samples.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
    pending = false;
  }
  if (samples.length === 0) return;
  if (samples.length >= count) {
    // `cat` under a pty never sees an end of input in the middle of a line: end the session instead.
    report();
    child.kill('SIGTERM');
    return;
  }
  // A typist's pace, so the bulk session keeps the event loops busy between keystrokes.
  setTimeout(send, 5);
});
let reported = false;
function report() {
  if (reported) return;
  reported = true;
  const sorted = samples.slice(1).sort((a, b) => a - b); // the first echo includes the shell start
  const at = (quantile) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? NaN;
  console.log(`${at(0.5).toFixed(2)} ${at(0.99).toFixed(2)}`);
}
child.on('exit', report);
// Let the session start before the first keystroke is timed.
setTimeout(send, 500);
