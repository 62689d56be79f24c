import { z } from 'zod';
import { billingSection, billingVariables, requireBillingTogether } from './billing-config';
import { loadConfig } from './config-loader';
import type { Environment } from './environment';
import {
  cidrList,
  cidrListOr,
  databaseName,
  host,
  keyPrefix,
  logLevel,
  mongoUrl,
  nodeEnvironment,
  port,
  positiveSeconds,
  redisUrl,
} from './variables';

const storage = {
  MONGO_URL: mongoUrl,
  MONGO_DATABASE: databaseName,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: keyPrefix,
};

/** The platform's RS256 key pair signs device and user tokens and the gateway's session assertions. */
const platformKeys = {
  PLATFORM_KEY_DIR: z.string().min(1).default('.data/keys'),
};

/** How often a recording's chain head is signed with the platform key (seed 001's `signing_interval`). */
const recordingSigning = {
  RECORDING_SIGNING_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
};

const common = {
  NODE_ENV: nodeEnvironment,
  LOG_LEVEL: logLevel,
  SHUTDOWN_TIMEOUT_SECONDS: positiveSeconds(10),
};

/**
 * Sessions a gateway holds are kept alive in the database every SESSION_KEEPALIVE_SECONDS (gateway); the api and the
 * worker count a session whose keepalive is older than SESSION_EXPIRY_SECONDS as gone, so a gateway that died leaves
 * no session active for longer than that. Keep the expiry at least three keepalives.
 */
const sessionExpiry = {
  SESSION_EXPIRY_SECONDS: z.coerce.number().int().min(10).max(86_400).default(90),
};

type StorageVariables = z.output<z.ZodObject<typeof storage>>;
type CommonVariables = z.output<z.ZodObject<typeof common>>;

function storageSection(env: StorageVariables) {
  return {
    mongo: { url: env.MONGO_URL, database: env.MONGO_DATABASE },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
  };
}

function commonSection(env: CommonVariables) {
  return {
    environment: env.NODE_ENV,
    log: { level: env.LOG_LEVEL },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  };
}

export const apiConfigSchema = z
  .object({
    ...common,
    ...storage,
    ...platformKeys,
    API_HOST: host,
    API_PORT: port(8080),
    /** A GeoLite2-City database for device and session positions; without one, positions stay empty. */
    GEOIP_DATABASE_PATH: z.string().min(1).optional(),
    /** What `GET /info` tells clients and agents: where users SSH to, and where agents open their tunnel. */
    PUBLIC_API_ENDPOINT: z.string().min(1).default('127.0.0.1:8080'),
    PUBLIC_SSH_ENDPOINT: z.string().min(1).default('127.0.0.1:2222'),
    PUBLIC_TUNNEL_URL: z
      .string()
      .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
      .default('ws://127.0.0.1:8081'),
    /** Proxies whose X-Real-IP / X-Forwarded-For are believed; nobody else's are (field-lessons section 4). */
    TRUSTED_PROXIES: cidrList,
    /** The agent's container image that `GET /install` runs with `--method container` (deploy/agent/README.md). */
    AGENT_IMAGE: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/:@-]{0,254}$/, 'must be an image reference such as registry.example/fleetgate/agent:0.1.0')
      .default('fleetgate/agent:latest'),
    /**
     * Where devices download the agent's package (`npx nx run agent:package`) when `GET /install` installs it as a
     * systemd service; unset or empty: the installer needs `--package FILE`.
     */
    AGENT_PACKAGE_URL: z
      .string()
      .regex(/^(https?:\/\/[^\s'"`$\\]+)?$/, 'must be an http:// or https:// URL without quotes or spaces')
      .optional()
      .transform((value) => value || undefined),
    /** Where people open the web UI; invitation links point there. */
    PUBLIC_UI_URL: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
      .default('http://127.0.0.1:4200'),
    /** ShellHub CE/EE behaviour: an invited existing user is a member at once, with no invitation to accept. */
    MEMBERS_AUTO_ACCEPT: z.enum(['true', 'false']).default('false'),
    /** Longest login lockout per (client address, user), in minutes; 0 turns lockouts off (ShellHub default 60). */
    MAX_LOCKOUT_MINUTES: z.coerce.number().int().min(0).max(10080).default(60),
    /**
     * Requests one client address may make per minute to the anonymous authentication routes (login, MFA codes and
     * recovery, sign-up, password recovery, e-mail confirmation), counted in Redis across API replicas; 0 turns the
     * limit off. The lockout above stops guessing one account; this stops one address spraying many.
     */
    AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(30),
    /**
     * Origins (scheme://host[:port]) whose browser pages may call the API cross-origin. Empty, the default: none; the
     * web UI is served from the API's own origin (deploy/nginx, Vite's proxy).
     */
    CORS_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((value) => value.split(/[\s,]+/).filter((entry) => entry.length > 0))
      .pipe(z.array(z.string().regex(/^https?:\/\/[^\s/]+$/, 'each entry must be an origin, like https://app.example.com'))),
    /**
     * The longest a login session lasts, in hours, however often its 72-hour token is renewed (GET /api/auth/user,
     * namespace switches); then the person logs in again. Default one week.
     */
    MAX_SESSION_HOURS: z.coerce.number().int().min(1).max(8760).default(168),
    /**
     * Whether connectors may point at loopback, private and link-local addresses. Off by default: the API would
     * otherwise let any tenant probe the platform's own network (server-side request forgery).
     */
    CONNECTOR_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false']).default('false'),
    ...billingVariables,
    ...sessionExpiry,
    /**
     * The credential of internal services (a gateway of another implementation, operations scripts) on the
     * contract's internal routes (`POST /api/sessions`, keepalive, device offline, key evaluation), sent as
     * `X-Internal-Token`. Unset: those routes answer only device tokens where the contract allows them. Secret.
     */
    INTERNAL_API_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * Client addresses that may use the instance administration routes (`/admin/api`, seed 000's
     * AllowedAdminClients), besides being an instance administrator. The address is the one the API believes
     * (TRUSTED_PROXIES). Loopback only unless set.
     */
    ADMIN_ALLOWED_CLIENTS: cidrListOr('127.0.0.1/32,::1/128'),
  })
  .superRefine(requireBillingTogether)
  .transform((env) => ({
    ...commonSection(env),
    ...storageSection(env),
    http: {
      host: env.API_HOST,
      port: env.API_PORT,
      trustedProxies: env.TRUSTED_PROXIES,
      corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    },
    platformKeyDirectory: env.PLATFORM_KEY_DIR,
    geoip: { databasePath: env.GEOIP_DATABASE_PATH },
    publicEndpoints: { api: env.PUBLIC_API_ENDPOINT, ssh: env.PUBLIC_SSH_ENDPOINT, tunnel: env.PUBLIC_TUNNEL_URL },
    agentDistribution: { image: env.AGENT_IMAGE, packageUrl: env.AGENT_PACKAGE_URL },
    members: {
      autoAcceptMembers: env.MEMBERS_AUTO_ACCEPT === 'true',
      invitationBaseUrl: env.PUBLIC_UI_URL.replace(/\/+$/, ''),
    },
    loginLockout: { maxMinutes: env.MAX_LOCKOUT_MINUTES },
    authRateLimit: { perMinute: env.AUTH_RATE_LIMIT_PER_MINUTE },
    sessions: { maxAgeSeconds: env.MAX_SESSION_HOURS * 3600 },
    connectors: { allowPrivateAddresses: env.CONNECTOR_ALLOW_PRIVATE_ADDRESSES === 'true' },
    billing: {
      ...billingSection(env),
      /** Where Stripe's billing portal sends the owner back to. */
      portalReturnUrl: `${env.PUBLIC_UI_URL.replace(/\/+$/, '')}/billing`,
    },
    sessionRecords: { expirySeconds: env.SESSION_EXPIRY_SECONDS },
    internal: { token: env.INTERNAL_API_TOKEN },
    admin: { allowedClients: env.ADMIN_ALLOWED_CLIENTS },
  }));

export const sshConfigSchema = z
  .object({
    ...common,
    ...storage,
    SSH_HOST: host,
    SSH_PORT: port(2222),
    /** HTTP side of the gateway: health, and later the agents' tunnel endpoint. */
    SSH_HTTP_HOST: host,
    SSH_HTTP_PORT: port(8081),
    SSH_HOST_KEY_DIR: z.string().min(1).default('.data/ssh'),
    /**
     * The L4 balancers in front of the SSH port (CIDRs): connections from them must start with a PROXY protocol
     * header (v1 or v2) naming the real client, which address rules and blocks then judge. A header from any other
     * address is refused. Empty (the default): no header is read.
     */
    SSH_PROXY_PROTOCOL_FROM: cidrList,
    /**
     * Gateway processes on this machine (docs/adr/0011-gateway-processes.md): `auto` runs one per core, sharing the
     * SSH and HTTP ports (Node's cluster module); 1 runs the gateway in this process alone.
     */
    SSH_PROCESSES: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(256)])
      .default(1),
    /**
     * Where agents reach this process directly to pick up a stream (ws:// or wss://). Gateway processes behind one
     * public address tell agents to dial their own, so that a session's bytes go to the process serving it. Default:
     * ws://<SSH_HTTP_HOST, or the host name when that is a wildcard>:<SSH_HTTP_PORT>. Only with SSH_PROCESSES=1.
     */
    TUNNEL_PICKUP_URL: z
      .string()
      .regex(/^wss?:\/\/[^\s?#]+$/, 'must be a ws:// or wss:// URL without a query')
      .optional(),
    /** With several processes: the host agents dial for pickups, and the first of the processes' own pickup ports. */
    TUNNEL_PICKUP_HOST: z.string().min(1).optional(),
    /** Process i (from 0) listens for pickups on this port + i; 0 picks free ports. */
    TUNNEL_PICKUP_PORT: port(0),
    /** Set by the primary for each of several processes (its index from 0); not for operators. */
    SSH_PROCESS_INDEX: z.coerce.number().int().min(0).max(255).optional(),
    /** Tunnel liveness: ping each agent this often; drop its tunnel when this many pings in a row go unanswered. */
    TUNNEL_PING_SECONDS: z.coerce.number().positive().max(300).default(10),
    TUNNEL_MISSED_PINGS: z.coerce.number().int().min(1).max(20).default(3),
    /** Streams a device may be asked for and not yet have picked up; more are refused (one person, many logins). */
    TUNNEL_MAX_PENDING_PICKUPS: z.coerce.number().int().min(1).max(1000).default(16),
    /**
     * Presence in Redis: a device stays online this long after the gateway last refreshed it, so the devices of a
     * gateway that died go offline by themselves within this time. Refreshed every PRESENCE_REFRESH_SECONDS.
     */
    PRESENCE_EXPIRY_SECONDS: z.coerce.number().positive().max(600).default(30),
    PRESENCE_REFRESH_SECONDS: z.coerce.number().positive().max(300).default(10),
    /**
     * How often the gateway writes last_seen of the devices it holds to the database (one updateMany per 100
     * devices; a device that disconnects gets its last_seen in the next round). Coarse on purpose: on FerretDB's
     * SQLite backend each device costs a few milliseconds of database time.
     */
    LAST_SEEN_WRITE_SECONDS: z.coerce.number().positive().max(3600).default(300),
    /** Failed authentication requests one SSH connection may make before the gateway closes it (OpenSSH's MaxAuthTries). */
    SSH_MAX_AUTH_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(6),
    /** Seconds a connection may take to log in before the gateway closes it (OpenSSH's LoginGraceTime). */
    SSH_LOGIN_GRACE_SECONDS: z.coerce.number().positive().max(3600).default(120),
    /** Longest lockout of gateway passwords per (client address, device user), in minutes, as the API's logins; 0 turns it off. */
    MAX_LOCKOUT_MINUTES: z.coerce.number().int().min(0).max(10080).default(60),
    /** How often last_seen of the sessions this gateway holds is written (one updateMany per 100 sessions). */
    SESSION_KEEPALIVE_SECONDS: z.coerce.number().positive().max(3600).default(30),
    /** A GeoLite2-City database for session positions; without one, positions stay 0,0. */
    GEOIP_DATABASE_PATH: z.string().min(1).optional(),
    /** A recording chunk closes at this many frames, bytes or milliseconds, whichever comes first. */
    RECORDING_BATCH_FRAMES: z.coerce.number().int().min(1).max(4096).default(256),
    RECORDING_BATCH_BYTES: z.coerce.number().int().min(1024).max(4 * 1024 * 1024).default(256 * 1024),
    RECORDING_BATCH_MS: z.coerce.number().int().min(10).max(10_000).default(250),
    /**
     * Bytes of one session recorded but not yet in Redis beyond which the gateway stops reading from the device
     * (backpressure, docs/adr/0009-session-recordings.md); reading resumes below half of it.
     */
    RECORDING_MAX_PENDING_BYTES: z.coerce.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
    /** How long one recording chunk may wait for Redis before the session is ended with a message. */
    RECORDING_STALL_SECONDS: z.coerce.number().positive().max(3600).default(30),
    ...recordingSigning,
    /**
     * How often each gateway process republishes its status and live connections to Redis (the admin API's live
     * list); a process that stops publishing drops out after three rounds.
     */
    GATEWAY_STATUS_REFRESH_SECONDS: z.coerce.number().positive().max(300).default(5),
    /** Longest an audit event waits in the gateway before its batch is written to the database. */
    AUDIT_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    ...platformKeys,
  })
  .refine((env) => env.SSH_PROCESSES === 1 || env.TUNNEL_PICKUP_URL === undefined, {
    message: 'names one process; with several, set TUNNEL_PICKUP_HOST and TUNNEL_PICKUP_PORT instead',
    path: ['TUNNEL_PICKUP_URL'],
  })
  .refine((env) => env.PRESENCE_REFRESH_SECONDS * 2 <= env.PRESENCE_EXPIRY_SECONDS, {
    message: 'must be at most half of PRESENCE_EXPIRY_SECONDS, so one late refresh does not drop a device',
    path: ['PRESENCE_REFRESH_SECONDS'],
  })
  .transform((env) => ({
    ...commonSection(env),
    ...storageSection(env),
    ssh: { host: env.SSH_HOST, port: env.SSH_PORT, hostKeyDirectory: env.SSH_HOST_KEY_DIR, proxyProtocolFrom: env.SSH_PROXY_PROTOCOL_FROM },
    http: { host: env.SSH_HTTP_HOST, port: env.SSH_HTTP_PORT },
    processes: env.SSH_PROCESSES,
    processIndex: env.SSH_PROCESS_INDEX,
    pickup: { url: env.TUNNEL_PICKUP_URL, host: env.TUNNEL_PICKUP_HOST, portBase: env.TUNNEL_PICKUP_PORT },
    platformKeyDirectory: env.PLATFORM_KEY_DIR,
    tunnel: {
      pingSeconds: env.TUNNEL_PING_SECONDS,
      missedPings: env.TUNNEL_MISSED_PINGS,
      maxPendingPickupsPerDevice: env.TUNNEL_MAX_PENDING_PICKUPS,
    },
    presence: {
      expirySeconds: env.PRESENCE_EXPIRY_SECONDS,
      refreshSeconds: env.PRESENCE_REFRESH_SECONDS,
      lastSeenSeconds: env.LAST_SEEN_WRITE_SECONDS,
    },
    access: { maxAuthAttempts: env.SSH_MAX_AUTH_ATTEMPTS, loginGraceMs: env.SSH_LOGIN_GRACE_SECONDS * 1000 },
    loginLockout: { maxMinutes: env.MAX_LOCKOUT_MINUTES },
    sessionRecords: { keepaliveSeconds: env.SESSION_KEEPALIVE_SECONDS },
    geoip: { databasePath: env.GEOIP_DATABASE_PATH },
    recording: {
      batchFrames: env.RECORDING_BATCH_FRAMES,
      batchBytes: env.RECORDING_BATCH_BYTES,
      batchMs: env.RECORDING_BATCH_MS,
      maxPendingBytes: env.RECORDING_MAX_PENDING_BYTES,
      stallMs: env.RECORDING_STALL_SECONDS * 1000,
      signingIntervalMs: env.RECORDING_SIGNING_INTERVAL_SECONDS * 1000,
    },
    gatewayStatus: { refreshSeconds: env.GATEWAY_STATUS_REFRESH_SECONDS },
    audit: { flushMs: env.AUDIT_FLUSH_MS, batchSize: 200, maxPending: 10_000 },
  }));

export const workerConfigSchema = z
  .object({
    ...common,
    ...storage,
    WORKER_HEALTH_HOST: host,
    WORKER_HEALTH_PORT: port(8082),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** How often the worker looks for documents of deleted namespaces that their deletion job left behind. */
    ORPHAN_SWEEP_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(900),
    /** The SMTP relay e-mails go through; locally `scripts/mail-sink.js` listens on 127.0.0.1:2525. */
    SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    SMTP_PORT: port(2525),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the relay offers it. */
    SMTP_SECURE: z.enum(['true', 'false']).default('false'),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).default('Fleetgate <no-reply@fleetgate.local>'),
    // The worker reports usage to Stripe; it reads the same billing variables as the api.
    ...billingVariables,
    ...sessionExpiry,
    /**
     * Days session recordings are kept (seed 001's channel_database_cleanup_days); a namespace's
     * `settings.session_record_retention_days` overrides it. 0 keeps recordings forever.
     */
    RECORDING_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
    /** How often the retention job runs, and how many chunks it deletes per command. */
    RECORDING_RETENTION_SWEEP_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
    RECORDING_RETENTION_BATCH: z.coerce.number().int().min(1).max(500).default(200),
    /** Days the gateway's audit events are kept (seed 001's retention); older ones are deleted by a periodic job. */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** How often the worker deletes audit events past their retention. */
    AUDIT_SWEEP_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
  })
  .superRefine(requireBillingTogether)
  .transform((env) => ({
    ...commonSection(env),
    ...storageSection(env),
    health: { host: env.WORKER_HEALTH_HOST, port: env.WORKER_HEALTH_PORT },
    concurrency: env.WORKER_CONCURRENCY,
    cleanup: { orphanSweepIntervalMs: env.ORPHAN_SWEEP_SECONDS * 1000 },
    sessionRecords: { expirySeconds: env.SESSION_EXPIRY_SECONDS },
    recordings: {
      retentionDays: env.RECORDING_RETENTION_DAYS,
      retentionSweepIntervalMs: env.RECORDING_RETENTION_SWEEP_SECONDS * 1000,
      retentionBatch: env.RECORDING_RETENTION_BATCH,
    },
    audit: { retentionDays: env.AUDIT_RETENTION_DAYS, sweepIntervalMs: env.AUDIT_SWEEP_SECONDS * 1000 },
    smtp: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE === 'true',
      user: env.SMTP_USER,
      password: env.SMTP_PASSWORD,
      from: env.MAIL_FROM,
    },
    billing: billingSection(env),
  }));

export type ApiConfig = z.output<typeof apiConfigSchema>;
export type SshConfig = z.output<typeof sshConfigSchema>;
export type WorkerConfig = z.output<typeof workerConfigSchema>;

export const loadApiConfig = (environment: Environment): ApiConfig => loadConfig('api', apiConfigSchema, environment);
export const loadSshConfig = (environment: Environment): SshConfig => loadConfig('ssh', sshConfigSchema, environment);
export const loadWorkerConfig = (environment: Environment): WorkerConfig =>
  loadConfig('worker', workerConfigSchema, environment);
