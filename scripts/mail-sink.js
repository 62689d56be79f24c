#!/usr/bin/env node
// A local stand-in for an SMTP relay: accepts every message on 127.0.0.1 and appends it to a file, so that
// confirmation, recovery, invitation and MFA e-mails of a local run can be read (and their links followed).
// Usage: node scripts/mail-sink.js <port> <file>
const { appendFileSync } = require('node:fs');
const { SMTPServer } = require('smtp-server');

/** Undoes quoted-printable soft line breaks and escapes, so that links in the saved message can be copied whole. */
function readable(raw) {
  const text = raw.toString('latin1');
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(text)) return raw.toString('utf8');
  const decoded = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(decoded, 'latin1').toString('utf8');
}

const [port = '2525', file = '.data/logs/mail.log'] = process.argv.slice(2);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const recipients = session.envelope.rcptTo.map((recipient) => recipient.address).join(', ');
      appendFileSync(file, `\n===== ${new Date().toISOString()} to ${recipients}\n${readable(Buffer.concat(chunks))}\n`);
      process.stdout.write(`[mail] message to ${recipients} saved in ${file}\n`);
      callback();
    });
  },
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`[mail] listening on 127.0.0.1:${port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
