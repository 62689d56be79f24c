import { BlockList, isIP } from 'node:net';
import type { GatewayLogLevel, GatewaySettingsFields } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { parseNetwork } from './channel-policy';

/** The settings every gateway process applies to new connections (`GET /admin/api/settings`). */
export type GatewaySettings = GatewaySettingsFields;

interface Ssh2AlgorithmLists {
  SUPPORTED_CIPHER: string[];
  SUPPORTED_KEX: string[];
  SUPPORTED_MAC: string[];
}

// ssh2 publishes what it implements (on this machine's OpenSSL) in its protocol constants, not its typed API.
const ssh2Constants = require('ssh2/lib/protocol/constants.js') as Ssh2AlgorithmLists;

/** The algorithms the gateway can offer, by setting. */
export const SUPPORTED_ALGORITHMS = {
  encryption_algorithms: [...ssh2Constants.SUPPORTED_CIPHER],
  key_exchange_algorithms: [...ssh2Constants.SUPPORTED_KEX],
  mac_algorithms: [...ssh2Constants.SUPPORTED_MAC],
} as const;

/** What a gateway runs on until an administrator saves settings: its configured attempt budget and log level. */
export function defaultGatewaySettings(configured: { maxAuthAttempts: number; logLevel?: GatewayLogLevel }): GatewaySettings {
  return {
    user_auth_banner: '',
    greeting: '',
    idle_session_timeout: 0,
    max_connections: 0,
    auth_max_attempts: configured.maxAuthAttempts,
    auto_block_max_auth_attempts: 0,
    auto_block_duration: 600,
    allowed_clients: [],
    blocked_clients: [],
    encryption_algorithms: [],
    key_exchange_algorithms: [],
    mac_algorithms: [],
    key_renegotiation_threshold: 0,
    strict_key_exchange: 'on',
    server_version: 'Fleetgate',
    log_level: configured.logLevel ?? 'info',
  };
}

/**
 * Checks what the DTO cannot: every algorithm is one ssh2 implements (a 400 that lists the supported ones), every
 * client entry is an address or a network, and the identification string is printable ASCII without spaces
 * (RFC 4253 section 4.2).
 */
export function assertValidGatewaySettings(settings: GatewaySettings): void {
  const fields: Array<{ field: string; problems: string[] }> = [];
  for (const field of ['encryption_algorithms', 'key_exchange_algorithms', 'mac_algorithms'] as const) {
    const supported: readonly string[] = SUPPORTED_ALGORITHMS[field];
    const unknown = settings[field].filter((name) => !supported.includes(name));
    if (unknown.length > 0) {
      fields.push({ field, problems: [`unsupported: ${unknown.join(', ')}; supported: ${supported.join(', ')}`] });
    }
  }
  for (const field of ['allowed_clients', 'blocked_clients'] as const) {
    const bad = settings[field].filter((entry) => isIP(entry) === 0 && !parseNetwork(entry));
    if (bad.length > 0) fields.push({ field, problems: [`not an IP address or network (a.b.c.d/n): ${bad.join(', ')}`] });
  }
  if (!/^[\x21-\x2c\x2e-\x7e]{1,200}$/.test(settings.server_version)) {
    fields.push({ field: 'server_version', problems: ['must be 1 to 200 printable ASCII characters without spaces or "-"'] });
  }
  if (fields.length > 0) {
    throw AppException.validation(fields.map(({ field, problems }) => `${field}: ${problems.join('; ')}`).join('. '), { fields });
  }
}

/** Compiled address lists of one settings version. */
export class ClientAddressRules {
  private readonly allowed: BlockList | null;
  private readonly blocked: BlockList;

  constructor(settings: Pick<GatewaySettings, 'allowed_clients' | 'blocked_clients'>) {
    this.allowed = settings.allowed_clients.length > 0 ? compile(settings.allowed_clients) : null;
    this.blocked = compile(settings.blocked_clients);
  }

  /** Why an address may not connect, or null when it may. */
  refusal(clientAddress: string): string | null {
    const address = clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0) return 'the client address is not an IP address';
    if (this.blocked.check(address, family)) return 'the client address is blocked';
    if (this.allowed && !this.allowed.check(address, family)) return 'the client address is not among the allowed clients';
    return null;
  }
}

function compile(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const network = parseNetwork(entry);
    if (network) list.addSubnet(network.address, network.prefix, network.family);
    else if (isIP(entry) !== 0) list.addAddress(entry, isIP(entry) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}
