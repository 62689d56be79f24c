/**
 * The terminal feature's API calls, all in this module so that they move to the generated client in one edit.
 * They send the signed-in person's token from the session store.
 */
import { sessionStore } from '../auth/session-store';

export interface TerminalTicket {
  ticket: string;
  expires_in: number;
  path: string;
}

export interface TerminalDevice {
  uid: string;
  name: string;
  online: boolean;
  status: string;
}

export class TerminalApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function headers(): Record<string, string> {
  const token = sessionStore.get()?.token;
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(path, { method, headers: headers() });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new TerminalApiError(response.status, body.message ?? `The API answered ${response.status}.`);
  }
  return (await response.json()) as T;
}

/** `POST /api/devices/{uid}/terminal`: a single-use ticket for the gateway's WebSocket. */
export function requestTerminalTicket(uid: string): Promise<TerminalTicket> {
  return call('POST', `/api/devices/${encodeURIComponent(uid)}/terminal`);
}

/** `GET /api/devices/{uid}`: the device's name and whether it is online, for the page's heading. */
export function fetchTerminalDevice(uid: string): Promise<TerminalDevice> {
  return call('GET', `/api/devices/${encodeURIComponent(uid)}`);
}
