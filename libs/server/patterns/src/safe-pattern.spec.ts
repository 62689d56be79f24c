import { MAX_PATTERN_LENGTH, patternMatches, SafePattern } from './safe-pattern';

describe('SafePattern', () => {
  it('matches unanchored, like ShellHub’s Go regexp', () => {
    expect(SafePattern.compile('root', 'username').matches('notroot')).toBe(true);
    expect(SafePattern.compile('^root$', 'username').matches('notroot')).toBe(false);
    expect(SafePattern.compile('^10\\.0\\.', 'source_ip').matches('10.0.3.4')).toBe(true);
  });

  it('refuses invalid and oversized patterns with a message naming the field', () => {
    expect(() => SafePattern.compile('(unclosed', 'username')).toThrow(/username: is not a valid regular expression/);
    expect(() => SafePattern.compile('a'.repeat(MAX_PATTERN_LENGTH + 1), 'hostname')).toThrow(/hostname: must be at most 256/);
    expect(() => SafePattern.compile('(a)\\1', 'username')).toThrow(/not a valid regular expression/);
  });

  it('evaluates catastrophic backtracking patterns in linear time', () => {
    const started = process.hrtime.bigint();
    const pattern = SafePattern.compile('(a+)+$', 'username');
    const decided = pattern.matches(`${'a'.repeat(50_000)}!`);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(decided).toBe(false);
    // A backtracking engine takes longer than the age of the universe here; RE2 takes milliseconds.
    expect(elapsedMs).toBeLessThan(100);
  });

  it('treats an empty stored pattern as "anything" and a broken one as "nothing"', () => {
    expect(patternMatches('', 'anyone')).toBe(true);
    expect(patternMatches('(', 'anyone')).toBe(false);
  });
});
