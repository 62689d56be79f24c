// Writes the ssh-path run's figures as JSON (bench/support/results.ts describes the format) from the values run.sh
// measured. Usage: node write-results.cjs FILE STARTED_AT ENDED_AT key=value...
const { writeFileSync } = require('node:fs');

const [file, startedAt, endedAt, ...pairs] = process.argv.slice(2);
const values = Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const number = (key) => (values[key] === undefined || values[key] === '' || Number.isNaN(Number(values[key])) ? null : Number(values[key]));
// keystroke.cjs prints "p50 p99".
const quantiles = (key) => (values[key] ?? '').trim().split(/\s+/).map(Number);
const ratioOf = (value, reference) => (value === null || !reference ? null : value / reference);

const figures = [];
const add = (figure) => figures.push({ ...figure, ratio: figure.ratio !== undefined ? figure.ratio : ratioOf(figure.value, figure.reference) });

const upRatio = ratioOf(number('gateway_up'), number('direct_up'));
add({ key: 'upload_mbps', name: 'bulk upload through cat', value: number('gateway_up'), unit: 'MB/s', reference: number('direct_up'), referenceName: 'direct sshd', goal: 'ratio ≥ 0.60 (moonshot 0.75)', met: upRatio !== null && upRatio >= 0.6 });
const downRatio = ratioOf(number('gateway_down'), number('direct_down'));
add({ key: 'download_mbps', name: 'bulk download from head -c', value: number('gateway_down'), unit: 'MB/s', reference: number('direct_down'), referenceName: 'direct sshd', goal: 'ratio ≥ 0.60 (moonshot 0.75)', met: downRatio !== null && downRatio >= 0.6 });
const connectRatio = ratioOf(number('gateway_connect'), number('direct_connect'));
add({ key: 'connect_ms', name: `connection time, ssh … true (median of ${values.connects})`, value: number('gateway_connect'), unit: 'ms', reference: number('direct_connect'), referenceName: 'direct sshd', goal: 'ratio ≤ 1.00', met: connectRatio !== null && connectRatio <= 1 });

const [directIdle50, directIdle99] = quantiles('direct_idle');
const [directBulk50, directBulk99] = quantiles('direct_bulk');
for (const [mode, label] of [['off', 'recording off'], ['on', 'recording on']]) {
  const [idle50, idle99] = quantiles(`${mode}_idle`);
  const [bulk50, bulk99] = quantiles(`${mode}_bulk`);
  add({ key: `keystroke_idle_p50_${mode}`, name: `keystroke echo p50, idle, ${label}`, value: idle50, unit: 'ms', reference: directIdle50, referenceName: 'direct sshd' });
  add({ key: `keystroke_idle_p99_${mode}`, name: `keystroke echo p99, idle, ${label}`, value: idle99, unit: 'ms', reference: directIdle99, referenceName: 'direct sshd' });
  add({ key: `keystroke_bulk_p50_${mode}`, name: `keystroke echo p50, under a bulk copy, ${label}`, value: bulk50, unit: 'ms', reference: directBulk50, referenceName: 'direct sshd' });
  add({ key: `keystroke_bulk_p99_${mode}`, name: `keystroke echo p99, under a bulk copy, ${label}`, value: bulk99, unit: 'ms', reference: directBulk99, referenceName: 'direct sshd', goal: '≤ 5 ms', met: Number.isFinite(bulk99) && bulk99 <= 5 });
}
const recordingRatio = ratioOf(number('on_tty_down'), number('off_tty_down'));
add({ key: 'recording_download_mbps', name: 'download to a terminal, recording on', value: number('on_tty_down'), unit: 'MB/s', reference: number('off_tty_down'), referenceName: 'recording off', goal: 'ratio ≥ 0.95 (recording costs ≤ 5 %)', met: recordingRatio !== null && recordingRatio >= 0.95 });
add({ key: 'tty_download_direct_mbps', name: 'download to a terminal, recording off', value: number('off_tty_down'), unit: 'MB/s', reference: number('direct_tty_down'), referenceName: 'direct sshd' });

const seconds = Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
const result = {
  benchmark: 'ssh-path',
  title: 'The SSH path: OpenSSH client → gateway → tunnel → agent → shell, against direct sshd',
  startedAt,
  seconds,
  parameters: {
    bytes: Number(values.bytes),
    connects: Number(values.connects),
    recording_bytes: Number(values.recording_bytes),
    keystrokes: Number(values.keystrokes),
    cipher: values.cipher,
    kex: values.kex,
    host_key: values.hostkey,
  },
  figures,
  notes: [`Negotiated (kex / host key / cipher): direct sshd ${values.negotiated_direct}; via Fleetgate ${values.negotiated_gateway}.`],
};
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
