import type { Logger } from '@fleetgate/logging';

/** One gateway event for the audit log: a login, a refusal and its reason, a policy denial, a block, a disconnect. */
export interface GatewayAuditEvent {
  /** The namespace the event concerns, when the target resolved to one; absent for instance-wide events (a blocked client address). */
  tenantId?: string;
  /** What happened, e.g. `login`, `refused`, `channel-denied`, `client-blocked`, `mfa-failed`. */
  kind: string;
  /** The words the person was told, or why the gateway acted. */
  reason: string;
  /** The device login name. */
  username?: string;
  /** The person's client address. */
  address?: string;
  /** The device uid. */
  device?: string;
  at: Date;
}

/**
 * Where the gateway reports audit events. `record` never throws and never waits on storage: a slow database must
 * not hold a person's login.
 */
export interface GatewayAuditSink {
  record(event: GatewayAuditEvent): void;
}

/** Reports an event without letting the sink's failure reach the connection that caused it. */
export function reportAudit(sink: GatewayAuditSink | undefined, event: GatewayAuditEvent, logger: Logger): void {
  if (!sink) return;
  try {
    sink.record(event);
  } catch (error) {
    logger.warn({ err: error }, 'could not record a gateway audit event');
  }
}
