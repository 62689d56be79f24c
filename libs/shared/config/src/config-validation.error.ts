import type { z } from 'zod';

/** Thrown at start-up when configuration is missing or invalid; its message names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ReadonlyArray<{ variable: string; problem: string }>,
  ) {
    super(
      `Invalid configuration for ${service}:\n` +
        problems.map(({ variable, problem }) => `  - ${variable}: ${problem}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }

  static fromZodError(service: string, error: z.ZodError): ConfigValidationError {
    return new ConfigValidationError(
      service,
      error.issues.map((issue) => ({
        variable: issue.path.length > 0 ? issue.path.join('.') : '(environment)',
        problem: issue.code === 'invalid_type' && issue.input === undefined ? 'is required but not set' : issue.message,
      })),
    );
  }
}
