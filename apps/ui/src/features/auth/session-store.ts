import { useSyncExternalStore } from 'react';

export type MemberRole = 'owner' | 'administrator' | 'operator' | 'observer';

/** What the UI keeps of a login (`POST /api/login` and the namespace token swap answer the same shape). */
export interface Session {
  token: string;
  user: string;
  name: string;
  id: string;
  email: string;
  recovery_email: string;
  tenant: string;
  role: MemberRole | '';
  mfa: boolean;
  max_namespaces: number;
}

const storageKey = 'fleetgate.session';
type Listener = () => void;

function read(): Session | null {
  try {
    const text = globalThis.localStorage?.getItem(storageKey);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();
const listeners = new Set<Listener>();

function publish(next: Session | null): void {
  current = next;
  if (next) globalThis.localStorage?.setItem(storageKey, JSON.stringify(next));
  else globalThis.localStorage?.removeItem(storageKey);
  listeners.forEach((listener) => listener());
}

/** The signed-in person, kept in localStorage so that a reload or a second tab stays signed in. */
export const sessionStore = {
  get: (): Session | null => current,
  set: (session: Session): void => publish(session),
  /** Merges what changed (a new name, the MFA flag) without a new login. */
  update: (changes: Partial<Session>): void => {
    if (current) publish({ ...current, ...changes });
  },
  clear: (): void => {
    if (current) publish(null);
  },
  subscribe: (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

globalThis.addEventListener?.('storage', (event) => {
  if (event.key === storageKey) {
    current = read();
    listeners.forEach((listener) => listener());
  }
});

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get, sessionStore.get);
}
