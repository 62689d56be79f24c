import type { z } from 'zod';
import { ConfigValidationError } from './config-validation.error';
import type { Environment } from './environment';

/** Validates an environment against a schema and returns the typed configuration, or throws naming every bad variable. */
export function loadConfig<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  environment: Environment,
): z.output<Schema> {
  const result = schema.safeParse(environment);
  if (!result.success) throw ConfigValidationError.fromZodError(service, result.error);
  return result.data;
}

/**
 * Start-up helper for an app's `main.ts`: on bad configuration it prints the message without a stack trace and exits,
 * because a stack trace points at the loader, not at the variable the operator must fix.
 */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG from sysexits.h
    }
    throw error;
  }
}
