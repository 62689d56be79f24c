/** Every BullMQ queue of the platform. Producers and processors both use these names. */
export enum QueueName {
  Email = 'email',
  Recordings = 'recordings',
  Cleanup = 'cleanup',
  Billing = 'billing',
  Audit = 'audit',
}

export enum AuditJobName {
  /** Periodic: deletes the gateway's audit events older than the configured retention. */
  ExpireEvents = 'expire-events',
}

export enum EmailJobName {
  Send = 'send',
}

export enum CleanupJobName {
  DeleteNamespaceContents = 'delete-namespace-contents',
  /** Periodic: deletes the contents of tenants whose namespace is gone, whatever became of their deletion job. */
  SweepOrphans = 'sweep-orphans',
}

export interface EmailJobPayload {
  template: string;
  to: string;
  /** Values the template interpolates; never secrets other than one-time links and codes meant for the recipient. */
  variables: Record<string, string>;
}

export interface DeleteNamespaceContentsPayload {
  tenantId: string;
}

/** Maps each queue to its job names and the payload each job carries, so enqueueing is type-checked. */
export interface QueueJobs {
  [QueueName.Email]: { [EmailJobName.Send]: EmailJobPayload };
  [QueueName.Cleanup]: {
    [CleanupJobName.DeleteNamespaceContents]: DeleteNamespaceContentsPayload;
    [CleanupJobName.SweepOrphans]: Record<string, never>;
  };
  [QueueName.Recordings]: Record<string, never>;
  [QueueName.Billing]: Record<string, never>;
  [QueueName.Audit]: { [AuditJobName.ExpireEvents]: Record<string, never> };
}

export type JobNameOf<Q extends QueueName> = Extract<keyof QueueJobs[Q], string>;
export type JobPayloadOf<Q extends QueueName, N extends JobNameOf<Q>> = QueueJobs[Q][N];
