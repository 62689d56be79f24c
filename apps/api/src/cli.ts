import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { loadApiConfig, loadConfigOrExit, readProcessEnvironment } from '@fleetgate/config';
import { toAppException } from '@fleetgate/errors';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';
import { type AccountSeedRequest, AccountSeedService } from '@fleetgate/identity';
import { verifyRecordingBundle } from '@fleetgate/recordings';
import { setupSign } from '@fleetgate/users';
import { DataAccessModule, UsersRepository } from '@fleetgate/data-access';
import { SeedModule } from './app/seed/seed.module';
import { AnnounceModule } from './app/announcements/announce.module';
import { AnnouncementsService } from './app/announcements/announcements.service';

const usage = [
  'Usage: node cli.js seed --username U --password P --email E --namespace N [--tenant UUID]',
  '',
  'Creates, if missing, a user, a namespace (with the given tenant id, else a new one) and the user’s owner',
  'membership, then prints {"tenant_id", "namespace", "user_id", "username"} as one JSON line.',
  'Reads MONGO_URL and MONGO_DATABASE like the api (REDIS_URL must be set too, though it is not used).',
  '',
  '       node cli.js announce --title T --content C',
  '',
  'Posts an announcement to every user (there is no admin role in the API yet) and prints it as one JSON line.',
  '',
  '       node cli.js setup-url',
  '',
  'Prints the first-run link, PUBLIC_UI_URL/setup?sign=…, whose sign proves the reader holds the platform key',
  '(PLATFORM_KEY_DIR); POST /api/setup accepts it once, while no user exists.',
  '',
  '       node cli.js verify --file RECORDING.jsonl [--public-key platform.pub]',
  '',
  'Verifies a recording downloaded from GET /api/sessions/{uid}/recording offline: its hash chain and the',
  'platform signatures, against the public key given (else PLATFORM_KEY_DIR/platform.pub). Prints the report as',
  'one JSON line; exits 0 when the recording is intact, 1 when it is not (docs/recordings.md).',
  '',
  '       node cli.js admin --username U [--revoke]',
  '',
  'Makes the user an instance administrator (the /admin/api routes, from ADMIN_ALLOWED_CLIENTS only), or with',
  '--revoke no longer one, and prints {"username", "admin"} as one JSON line. Namespace roles never grant it.',
].join('\n');

const EXIT_USAGE = 64; // EX_USAGE from sysexits.h

function parseSeedCommand(argv: string[]): AccountSeedRequest {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      email: { type: 'string' },
      namespace: { type: 'string' },
      tenant: { type: 'string' },
    },
  });
  const { username, password, email, namespace, tenant } = values;
  if (
    positionals.length !== 1 ||
    positionals[0] !== 'seed' ||
    !username ||
    !password ||
    !email ||
    !namespace
  ) {
    throw new Error('expected the seed command with --username, --password, --email and --namespace');
  }
  return { username, password, email, namespace, tenantId: tenant };
}

function parseAnnounceCommand(argv: string[]): { title: string; content: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { title: { type: 'string' }, content: { type: 'string' } },
  });
  if (
    positionals.length !== 1 ||
    positionals[0] !== 'announce' ||
    !values.title?.trim() ||
    !values.content?.trim()
  ) {
    throw new Error('expected the announce command with a non-empty --title and --content');
  }
  return { title: values.title, content: values.content };
}

async function announce(argv: string[]): Promise<void> {
  let request: { title: string; content: string };
  try {
    request = parseAnnounceCommand(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    process.exit(EXIT_USAGE);
  }
  const config = loadConfigOrExit(() => loadApiConfig(readProcessEnvironment()));
  const app = await NestFactory.createApplicationContext(AnnounceModule.forRoot(config.mongo), {
    logger: ['error', 'warn'],
  });
  try {
    const posted = await app.get(AnnouncementsService).post(request.title, request.content);
    process.stdout.write(`${JSON.stringify(posted)}\n`);
  } catch (error) {
    process.stderr.write(`announce failed: ${toAppException(error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

function parseAdminCommand(argv: string[]): { username: string; admin: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: 'string' }, revoke: { type: 'boolean' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'admin' || !values.username?.trim()) {
    throw new Error('expected the admin command with --username (and optionally --revoke)');
  }
  return { username: values.username.trim(), admin: values.revoke !== true };
}

async function setInstanceAdmin(argv: string[]): Promise<void> {
  let request: { username: string; admin: boolean };
  try {
    request = parseAdminCommand(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    process.exit(EXIT_USAGE);
  }
  const config = loadConfigOrExit(() => loadApiConfig(readProcessEnvironment()));
  const app = await NestFactory.createApplicationContext(DataAccessModule.forRoot(config.mongo), { logger: ['error', 'warn'] });
  try {
    const user = await app.get(UsersRepository).setAdminByUsername(request.username, request.admin);
    if (!user) {
      process.stderr.write(`admin failed: there is no user "${request.username}"\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${JSON.stringify({ username: user.username, admin: user.admin === true })}\n`);
    }
  } finally {
    await app.close();
  }
}

async function printSetupUrl(): Promise<void> {
  const config = loadConfigOrExit(() => loadApiConfig(readProcessEnvironment()));
  const keys = await loadOrCreatePlatformKeys(config.platformKeyDirectory);
  process.stdout.write(`${config.members.invitationBaseUrl}/setup?sign=${setupSign(keys)}\n`);
}

async function verifyRecording(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { file: { type: 'string' }, 'public-key': { type: 'string' } },
  });
  if (positionals.length !== 1 || !values.file) {
    process.stderr.write(`expected the verify command with --file\n\n${usage}\n`);
    process.exit(EXIT_USAGE);
  }
  // Offline: the key comes from a file the verifier trusts, never from the bundle itself.
  const keyPath =
    values['public-key'] ??
    join(readProcessEnvironment()['PLATFORM_KEY_DIR'] ?? '.data/keys', 'platform.pub');
  let publicKeyPem: string;
  try {
    publicKeyPem = await readFile(keyPath, 'utf8');
  } catch (error) {
    process.stderr.write(`cannot read the platform public key ${keyPath}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT_USAGE);
  }
  try {
    const lines = createInterface({ input: createReadStream(values.file), crlfDelay: Infinity });
    const report = await verifyRecordingBundle(lines, publicKeyPem);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exitCode = report.status === 'intact' ? 0 : 1;
  } catch (error) {
    process.stderr.write(`verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'verify') return verifyRecording(process.argv.slice(2));
  if (process.argv[2] === 'announce') return announce(process.argv.slice(2));
  if (process.argv[2] === 'setup-url') return printSetupUrl();
  if (process.argv[2] === 'admin') return setInstanceAdmin(process.argv.slice(2));
  let request: AccountSeedRequest;
  try {
    request = parseSeedCommand(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    process.exit(EXIT_USAGE);
  }
  const config = loadConfigOrExit(() => loadApiConfig(readProcessEnvironment()));
  const app = await NestFactory.createApplicationContext(SeedModule.forRoot(config.mongo), {
    logger: ['error', 'warn'],
  });
  try {
    const result = await app.get(AccountSeedService).seed(request);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`seed failed: ${toAppException(error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

void main();
