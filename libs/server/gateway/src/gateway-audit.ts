/** One gateway event for the audit log: a login, a refusal and its reason, a policy denial, a block, a disconnect. */
export interface GatewayAuditEvent {
  /** The namespace the event concerns, when the target resolved to one. */
  tenantId?: string;
  kind: string;
  reason: string;
  username?: string;
  address?: string;
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
