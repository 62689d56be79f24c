import { summariseAsciicast } from './asciicast-timeline';

const cast = [
  JSON.stringify({ version: 2, width: 90, height: 30, timestamp: 1_764_900_000 }),
  JSON.stringify([0.1, 'o', '$ echo hi\r\n']),
  JSON.stringify([0.5, 'r', '90x30']),
  JSON.stringify([1.25, 'r', '120x40']),
  JSON.stringify([1.3, 'o', 'hi\r\n']),
  JSON.stringify([2, 'r', 'bogus']),
  JSON.stringify([4.5, 'o', '$ ']),
  '',
].join('\n');

describe('summariseAsciicast', () => {
  it('reads the size, the length, the outputs and each size change once', () => {
    expect(summariseAsciicast(cast)).toEqual({
      cols: 90,
      rows: 30,
      duration: 4.5,
      outputs: 3,
      sizes: [
        { time: 0, cols: 90, rows: 30 },
        { time: 1.25, cols: 120, rows: 40 },
      ],
    });
  });

  it('reads a recording with nothing in it', () => {
    expect(summariseAsciicast(`${JSON.stringify({ version: 2, width: 80, height: 24 })}\n`)).toMatchObject({ duration: 0, outputs: 0 });
  });

  it('refuses what is not asciicast v2', () => {
    expect(() => summariseAsciicast('')).toThrow(/empty/);
    expect(() => summariseAsciicast(JSON.stringify({ version: 1, width: 80, height: 24 }))).toThrow(/v2/);
    expect(() => summariseAsciicast('not json')).toThrow();
  });
});
