import RE2 from 're2';
import { AppException } from '@fleetgate/errors';

/** Longer patterns are refused outright: nobody needs them for user names, host names or addresses. */
export const MAX_PATTERN_LENGTH = 256;

/**
 * A user-supplied regular expression (public key username and hostname filters, firewall source address and
 * username), compiled with RE2: matching takes linear time, so no pattern can hang the gateway or the API.
 * RE2 is also the engine ShellHub evaluates these patterns with (Go's regexp), so existing rules mean the same.
 * Matching is unanchored, as there: `root` matches `notroot`; write `^root$` to match exactly.
 */
export class SafePattern {
  private constructor(
    readonly source: string,
    private readonly expression: RE2,
  ) {}

  /** Compiles a pattern or throws a 400 that says what is wrong with it. */
  static compile(source: string, field: string): SafePattern {
    const problem = SafePattern.problemWith(source);
    if (problem) throw AppException.validation(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
    return new SafePattern(source, new RE2(source, 'u'));
  }

  /** Why a pattern is refused, or null when it compiles. */
  static problemWith(source: unknown): string | null {
    if (typeof source !== 'string') return 'must be a string';
    if (source.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
    try {
      new RE2(source, 'u');
      return null;
    } catch (error) {
      return `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
    }
  }

  /**
   * Compiles a stored pattern for evaluation; a stored pattern that no longer compiles matches nothing, so a bad
   * rule can only ever deny, never open access.
   */
  static forEvaluation(source: string): SafePattern | null {
    return SafePattern.problemWith(source) === null ? new SafePattern(source, new RE2(source, 'u')) : null;
  }

  matches(value: string): boolean {
    return this.expression.test(value);
  }
}

/** Evaluates a stored pattern against a value: empty matches anything, an invalid pattern matches nothing. */
export function patternMatches(source: string, value: string): boolean {
  if (source === '') return true;
  return SafePattern.forEvaluation(source)?.matches(value) ?? false;
}
