/** What the player page reads from an asciicast v2 file: its size, length, and when the terminal was resized. */
export interface AsciicastSummary {
  cols: number;
  rows: number;
  /** Seconds, the time of the last event. */
  duration: number;
  /** Every size the terminal took, in order, the first one included; repeats of the same size left out. */
  sizes: Array<{ time: number; cols: number; rows: number }>;
  /** Output events: an empty recording has none. */
  outputs: number;
}

/** Reads the file line by line (https://docs.asciinema.org/manual/asciicast/v2/); a malformed file throws. */
export function summariseAsciicast(text: string): AsciicastSummary {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error('the recording is empty');
  const header = JSON.parse(lines[0]) as { version?: number; width?: number; height?: number };
  if (header.version !== 2 || !Number.isInteger(header.width) || !Number.isInteger(header.height)) {
    throw new Error('not an asciicast v2 recording');
  }
  const summary: AsciicastSummary = {
    cols: header.width as number,
    rows: header.height as number,
    duration: 0,
    sizes: [{ time: 0, cols: header.width as number, rows: header.height as number }],
    outputs: 0,
  };
  for (const line of lines.slice(1)) {
    const [time, code, data] = JSON.parse(line) as [number, string, string];
    if (typeof time !== 'number') throw new Error('an event has no time');
    summary.duration = Math.max(summary.duration, time);
    if (code === 'o') summary.outputs += 1;
    if (code !== 'r') continue;
    const size = /^(\d+)x(\d+)$/.exec(String(data));
    if (!size) continue;
    const previous = summary.sizes[summary.sizes.length - 1];
    const cols = Number(size[1]);
    const rows = Number(size[2]);
    if (previous.cols !== cols || previous.rows !== rows) summary.sizes.push({ time, cols, rows });
  }
  return summary;
}
