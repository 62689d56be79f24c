import { StringDecoder } from 'node:string_decoder';
import type { RecordingFrame } from '@fleetgate/contracts';

export interface AsciicastHeaderFields {
  sessionUid: string;
  term?: string;
}

const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** "COLSxROWS" as a resize frame carries it, or null when malformed. */
export function parseTerminalSize(text: string): { cols: number; rows: number } | null {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(text);
  return match ? { cols: Number(match[1]), rows: Number(match[2]) } : null;
}

/**
 * An asciicast v2 file (https://docs.asciinema.org/manual/asciicast/v2/) from a recording's frames, line by line,
 * so the API streams it as it reads chunks. The header takes the first resize frame's size (the recorder writes the
 * terminal's size first); bytes become text through one UTF-8 decoder, so a character split across frames stays
 * whole, and bytes that are not UTF-8 become U+FFFD (asciicast carries text, the chain keeps the bytes).
 */
export async function* asciicastLines(
  frames: AsyncIterable<RecordingFrame>,
  header: AsciicastHeaderFields,
): AsyncGenerator<string> {
  const decoders = { o: new StringDecoder('utf8'), i: new StringDecoder('utf8') };
  let start: number | undefined;
  let headerWritten = false;
  let lastSeconds = 0;
  const pending: RecordingFrame[] = [];
  const headerLine = (size: { cols: number; rows: number }, timestamp: number) =>
    `${JSON.stringify({
      version: 2,
      width: size.cols,
      height: size.rows,
      timestamp: Math.floor(timestamp / 1000),
      env: { TERM: header.term ?? 'xterm', SHELL: '' },
      title: `Fleetgate session ${header.sessionUid}`,
    })}\n`;
  const event = ([time, kind, data]: RecordingFrame): string | null => {
    const seconds = Math.max(lastSeconds, (time - (start ?? time)) / 1000);
    lastSeconds = seconds;
    const bytes = Buffer.from(data, 'base64');
    const text = kind === 'r' ? bytes.toString('utf8') : decoders[kind].write(bytes);
    if (kind === 'r' && !parseTerminalSize(text)) return null;
    if (text.length === 0) return null;
    return `${JSON.stringify([Number(seconds.toFixed(6)), kind, text])}\n`;
  };

  for await (const frame of frames) {
    start ??= frame[0];
    if (!headerWritten) {
      if (frame[1] === 'r') {
        const size = parseTerminalSize(Buffer.from(frame[2], 'base64').toString('utf8')) ?? DEFAULT_SIZE;
        yield headerLine(size, start);
        headerWritten = true;
        continue;
      }
      // Output before any size: the header needs one, so hold a few frames back and fall back to 80x24.
      pending.push(frame);
      if (pending.length < 16) continue;
      yield headerLine(DEFAULT_SIZE, start);
      headerWritten = true;
      for (const held of pending.splice(0)) {
        const line = event(held);
        if (line) yield line;
      }
      continue;
    }
    const line = event(frame);
    if (line) yield line;
  }
  if (!headerWritten) {
    yield headerLine(DEFAULT_SIZE, start ?? Date.now());
    for (const held of pending) {
      const line = event(held);
      if (line) yield line;
    }
  }
  for (const kind of ['o', 'i'] as const) {
    const rest = decoders[kind].end();
    if (rest.length > 0) yield `${JSON.stringify([Number(lastSeconds.toFixed(6)), kind, rest])}\n`;
  }
}
