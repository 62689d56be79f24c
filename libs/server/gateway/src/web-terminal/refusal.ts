import { WebTerminalCloseCode, type WebTerminalErrorCode } from '@fleetgate/contracts';

export interface TerminalRefusal {
  code: WebTerminalErrorCode;
  message: string;
}

/**
 * What a refusal of the gateway's SSH server means for the web terminal. The server explains itself in an auth
 * banner (the words `AccessDecisionService` chose, prefixed "Fleetgate: "); the terminal shows those words and
 * files them under a code the browser can act on. The patterns follow `AccessDecisionService`'s sentences, and
 * refusal.spec.ts feeds it the service's own verdicts so a rewording shows up there.
 */
export function refusalFromBanner(banner: string): TerminalRefusal {
  const message = banner.replace(/^Fleetgate:\s*/, '').trim();
  const code: WebTerminalErrorCode = /is offline\.$/.test(message)
    ? 'device-offline'
    : /cannot be reached/.test(message)
      ? 'unreachable'
      : /Too many failed passwords|still being checked/.test(message)
        ? 'locked-out'
        : /^There is no |no longer exists|is not a valid target/.test(message)
          ? 'not-found'
          : /Too many authentication attempts/.test(message)
            ? 'authentication-failed'
            : 'access-denied';
  return { code, message };
}

/** The WebSocket close code that goes with an error code. */
export function closeCodeOf(code: WebTerminalErrorCode): number {
  switch (code) {
    case 'bad-request':
      return WebTerminalCloseCode.badRequest;
    case 'not-found':
      return WebTerminalCloseCode.notFound;
    case 'device-offline':
    case 'unreachable':
    case 'connection-lost':
      return WebTerminalCloseCode.unavailable;
    case 'access-denied':
    case 'authentication-failed':
    case 'locked-out':
      return WebTerminalCloseCode.denied;
    case 'timeout':
      return WebTerminalCloseCode.timeout;
    case 'internal':
      return WebTerminalCloseCode.internal;
  }
}
