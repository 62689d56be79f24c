import type { Schemas } from '../../api/client';

export type GatewaySettings = Schemas['GatewaySettingsDto'];

export const gatewaySettingsQueryKey = ['admin', 'gateway-settings'];

type ListField = 'allowed_clients' | 'blocked_clients';

/** The form's shape: client address lists are edited one entry a line; algorithm lists as tags. */
export type GatewaySettingsValues = Omit<GatewaySettings, ListField> & Record<ListField, string>;

export function settingsValues(settings: GatewaySettings): GatewaySettingsValues {
  return {
    ...settings,
    allowed_clients: settings.allowed_clients.join('\n'),
    blocked_clients: settings.blocked_clients.join('\n'),
  };
}

export function settingsRequest(values: GatewaySettingsValues): GatewaySettings {
  return { ...values, allowed_clients: entries(values.allowed_clients), blocked_clients: entries(values.blocked_clients) };
}

function entries(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A rough check of an address or network line, to point at a typo before saving; the API's check is the real one. */
export function clientEntriesProblem(text: string): string | null {
  for (const entry of entries(text)) {
    const [address, prefix, extra] = entry.split('/');
    const v4 = ipv4.exec(address ?? '');
    const v6 = (address ?? '').includes(':') && /^[0-9a-f:.]+$/i.test(address ?? '');
    const octetsOk = v4 ? v4.slice(1).every((octet) => Number(octet) <= 255) : v6;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128));
    if (!octetsOk || !prefixOk || extra !== undefined) return `"${entry}" is not an IP address or a network (a.b.c.d/n)`;
  }
  return null;
}

/** The settings that change what a connecting person sees or can use, listed before saving them. */
export function riskyChanges(before: GatewaySettings, after: GatewaySettings): string[] {
  const risks: string[] = [];
  if (after.allowed_clients.length > 0 && before.allowed_clients.join() !== after.allowed_clients.join()) {
    risks.push('Only the allowed client addresses will be able to connect.');
  }
  if (after.strict_key_exchange === 'required' && before.strict_key_exchange !== 'required') {
    risks.push('Clients without strict key exchange (OpenSSH before 9.6, older libraries) will be refused.');
  }
  for (const field of ['encryption_algorithms', 'key_exchange_algorithms', 'mac_algorithms'] as const) {
    if (after[field].length > 0 && before[field].join() !== after[field].join()) {
      risks.push('Clients that support none of the chosen algorithms will be refused.');
      break;
    }
  }
  return risks;
}
