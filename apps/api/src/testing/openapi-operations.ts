import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { workspaceRoot } from '@fleetgate/testing';

/**
 * Test-only reading of the API's own OpenAPI document (excluded from the build): the operations it lists, their
 * parameters and body schemas, and the contract routes it must contain. The authorisation matrix and the input
 * fuzzing are driven by it, so that a new route is covered without anyone remembering to add it.
 */

export type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface RawOperation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Array<Record<string, string[]>>;
}

export interface Operation {
  method: string;
  /** The path as the document writes it, with `{name}` parameters. */
  path: string;
  /** `METHOD /path`, for messages and lists. */
  route: string;
  operationId: string;
  /** Names of the security schemes that may authenticate it; empty for a public route. */
  security: string[];
  parameters: Parameter[];
  /** The JSON body's schema, with references left to `resolve`. */
  body?: Schema;
}

export async function fetchOpenApiDocument(apiUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${apiUrl}/api/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, raw]) => ({
      method: method.toUpperCase(),
      path,
      route: `${method.toUpperCase()} ${path}`,
      operationId: raw.operationId ?? `${method} ${path}`,
      security: [...new Set((raw.security ?? []).flatMap((requirement) => Object.keys(requirement)))],
      parameters: raw.parameters ?? [],
      body: raw.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

/** The schema a `$ref` points at (or the schema itself), with `allOf` merged. */
export function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(document, document.components?.schemas?.[name]);
  }
  if (schema.allOf) {
    return schema.allOf.reduce<Schema>((merged, part) => {
      const resolved = resolve(document, part);
      return {
        ...merged,
        ...resolved,
        properties: { ...merged.properties, ...resolved.properties },
        required: [...(merged.required ?? []), ...(resolved.required ?? [])],
      };
    }, {});
  }
  return schema;
}

/**
 * A plausible value for a schema: its example, default or first enum value, else the smallest thing of its type
 * that meets its bounds. Used where a test wants a request that passes validation, so that only the caller is wrong.
 */
export function sampleOf(document: OpenApiDocument, raw: Schema | undefined, depth = 0): unknown {
  const schema = resolve(document, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.length) return sampleOf(document, variants[0], depth + 1);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'email') return 'matrix@example.test';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(document, schema.items, depth + 1));
    default: {
      if (depth > 4) return {};
      const properties = schema.properties ?? {};
      return Object.fromEntries(
        Object.entries(properties)
          .filter(([name]) => depth === 0 || (schema.required ?? []).includes(name))
          .map(([name, property]) => [name, sampleOf(document, property, depth + 1)]),
      );
    }
  }
}

/** Routes of the contract that are deliberately not in the API's document, and why. */
export const contractRoutesNotServed: Record<string, string> = {
  'GET /healthcheck': 'served, but as an operations endpoint outside the documented API',
  'POST /api/sshkeys/private-keys': 'Fleetgate’s gateway logs in with session assertions (ADR 0002)',
};

/** `METHOD /path` of every route of the contract (of `groups` when given), path parameters written `{}`. */
export function contractRoutes(groups?: string[]): string[] {
  const text = readFileSync(join(workspaceRoot(), 'apps/api/src/testing/contract/routes.md'), 'utf8');
  const routes: string[] = [];
  let group = '';
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) group = heading[1].trim();
    const row = /^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|/.exec(line);
    if (row && (!groups || groups.includes(group))) routes.push(`${row[1]} ${row[2].replace(/\{[^}]+\}/g, '{}')}`);
  }
  return routes;
}

/** Contract routes the document lacks, beyond the ones left out on purpose: a non-empty answer fails a test. */
export function contractRoutesMissingFrom(document: OpenApiDocument, groups?: string[]): string[] {
  const documented = new Set(
    operationsOf(document).map(({ method, path }) => `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`),
  );
  return contractRoutes(groups).filter((route) => !documented.has(route) && !(route in contractRoutesNotServed));
}

/**
 * Count and content digest of every collection of the test database: equal snapshots mean that nothing was
 * written. Documents are ordered by `_id`, so the digest does not depend on the server's natural order.
 */
export async function databaseSnapshot(
  connection: Connection,
  /** Keeps only the documents whose JSON it accepts, for a snapshot of one tenant's data. */
  keep: (json: string) => boolean = () => true,
): Promise<Record<string, string>> {
  const db = connection.db;
  if (!db) throw new Error('the test connection is not open');
  const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map(({ name }) => name).sort();
  const snapshot: Record<string, string> = {};
  for (const name of collections) {
    const documents = (await db.collection(name).find({}).sort({ _id: 1 }).toArray())
      .map((document) => JSON.stringify(document))
      .filter(keep);
    const digest = createHash('sha256').update(documents.join('\n')).digest('hex').slice(0, 16);
    snapshot[name] = `${documents.length}:${digest}`;
  }
  return snapshot;
}
