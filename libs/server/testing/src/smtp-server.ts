import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server received, with the plain-text part decoded. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  received: ReceivedEmail[];
  /** The next message to `address` (one already received and not yet taken counts), or an error after `timeoutMs`. */
  nextTo(address: string, timeoutMs?: number): Promise<ReceivedEmail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeBody(headers: string, body: string): string {
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

function splitHead(part: string): { headers: string; body: string } {
  const index = part.search(/\r?\n\r?\n/);
  if (index === -1) return { headers: part, body: '' };
  const separator = /\r?\n\r?\n/.exec(part.slice(index))?.[0] ?? '\n\n';
  return { headers: part.slice(0, index), body: part.slice(index + separator.length) };
}

/** The decoded text/plain part of a MIME message: enough for the e-mails the platform sends. */
function plainText(raw: string): { subject: string; text: string } {
  const { headers, body } = splitHead(raw);
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject:\s*(.*)$/im.exec(unfolded)?.[1]?.trim() ?? '';
  const boundary = /^content-type:\s*multipart\/[^;]+;.*boundary="?([^";\r\n]+)"?/im.exec(unfolded)?.[1];
  if (!boundary) return { subject, text: decodeBody(unfolded, body) };
  for (const part of body.split(`--${boundary}`)) {
    const { headers: partHeaders, body: partBody } = splitHead(part.replace(/^\r?\n/, ''));
    if (/^content-type:\s*text\/plain/im.test(partHeaders))
      return { subject, text: decodeBody(partHeaders, partBody) };
  }
  return { subject, text: '' };
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives, for tests of e-mail delivery: on a free port, or on
 * `port` (to bring a stopped one back where its clients expect it).
 */
export async function startTestSmtpServer(port = 0): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  const taken = new Set<ReceivedEmail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Clients that pool connections (nodemailer) keep them open; a test's close should not wait 30 s for them.
    closeTimeout: 200,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({
          from,
          to: session.envelope.rcptTo.map((entry) => entry.address),
          ...plainText(raw),
          raw,
        });
        waiters.splice(0).forEach((wake) => wake());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const listening = (server.server.address() as AddressInfo).port;

  const untakenTo = (address: string) =>
    received.find((email) => !taken.has(email) && email.to.includes(address.toLowerCase()));
  return {
    host: '127.0.0.1',
    port: listening,
    received,
    async nextTo(address, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const email = untakenTo(address);
        if (email) {
          taken.add(email);
          return email;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no e-mail to ${address} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
