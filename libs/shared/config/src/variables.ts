import { z } from 'zod';

/** Building blocks shared by the app schemas, so that one variable means the same in every app. */

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const mongoUrl = z
  .string({ error: 'is required but not set' })
  .regex(/^mongodb(\+srv)?:\/\/[^\s]+$/, 'must be a mongodb:// or mongodb+srv:// URL');

export const redisUrl = z
  .string({ error: 'is required but not set' })
  .regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL');

export const databaseName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1 to 63 letters, digits, "_" or "-"')
  .default('fleetgate');

export const keyPrefix = z
  .string()
  .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'must be 1 to 64 letters, digits, "_", ":", "." or "-"')
  .default('fleetgate');

export const host = z.string().min(1).default('127.0.0.1');

export const positiveSeconds = (fallback: number) => z.coerce.number().positive().default(fallback);

/** Space- or comma-separated CIDR list, for example trusted proxies; `fallback` when unset. */
export const cidrListOr = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(/[\s,]+/).filter((entry) => entry.length > 0))
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'each entry must be an address with a prefix length, like 10.0.0.0/8'),
      ),
    );

/** Space- or comma-separated CIDR list, empty when unset. */
export const cidrList = cidrListOr('');

export const nodeEnvironment = z.enum(['development', 'test', 'production']).default('development');
