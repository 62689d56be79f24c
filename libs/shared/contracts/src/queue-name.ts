/** Every BullMQ queue of the platform. Producers and processors both use these names. */
export enum QueueName {
  Email = 'email',
  Recordings = 'recordings',
  Cleanup = 'cleanup',
  Billing = 'billing',
  Audit = 'audit',
}

/**
 * The name BullMQ keys a queue under: the queue's name as a Redis Cluster hash tag. BullMQ's Lua scripts touch
 * several keys of a queue at once (`<prefix>:{email}:wait`, `…:active`, `…:<job id>`), which Redis Cluster allows
 * only within one hash slot; the tag puts every key of a queue in the slot of its name, so each queue lives whole on
 * one node and different queues spread over the nodes (docs/queues.md). Metrics and logs use the plain `QueueName`.
 */
export function bullQueueName(queue: QueueName): string {
  return `{${queue}}`;
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
  /** Periodic: closes sessions whose gateway stopped sending keepalives (a dead gateway cannot close its own). */
  ExpireStaleSessions = 'expire-stale-sessions',
}

export enum BillingJobName {
  /** A `device_accept` or `namespace_delete` report reaching Stripe (ShellHub's billing report). */
  ReportUsage = 'report-usage',
}

export const billingReportActions = ['device_accept', 'namespace_delete'] as const;
export type BillingReportAction = (typeof billingReportActions)[number];

export interface BillingReportPayload {
  tenantId: string;
  action: BillingReportAction;
  /** Names the event being reported; Stripe's idempotency key and the meter event's identifier derive from it. */
  eventId: string;
  /** The Stripe customer and subscription at the time of the event: a deleted namespace's document is gone. */
  customerId: string;
  subscriptionId?: string;
  /** Unix seconds of the event, so that a retried report counts at the time it happened. */
  occurredAt: number;
}

/** One job per reported event: a repeated report of the same event enqueues nothing new. */
export const billingReportJobId = (eventId: string): string => `billing-report-${eventId.replace(/[^A-Za-z0-9_.-]/g, '-')}`;

export enum RecordingJobName {
  /** One batch of a session's frames, with its place in the session's hash chain. */
  IngestChunk = 'ingest-chunk',
  /** Periodic: deletes recordings older than the global or namespace retention, in batches. */
  ApplyRetention = 'apply-retention',
}

/** What a frame carries: `o` what the person's terminal received, `i` what they typed, `r` a resize ("COLSxROWS"). */
export type RecordingFrameKind = 'o' | 'i' | 'r';

/** One frame: epoch milliseconds, kind, and the bytes (base64) exactly as they crossed the gateway. */
export type RecordingFrame = [time: number, kind: RecordingFrameKind, data: string];

/** A chain head signed with the platform key (docs/recordings.md says what exactly is signed). */
export interface RecordingHeadSignature {
  signedAt: number;
  algorithm: 'RS256';
  signature: string;
}

export interface IngestRecordingChunkPayload {
  tenantId: string;
  sessionUid: string;
  /** The chunk's place in the session: 0, 1, 2… without gaps. */
  seq: number;
  /** Epoch ms of the session's first recorded frame: retention removes a recording whole, by this time. */
  sessionStartedAt: number;
  frames: RecordingFrame[];
  previousHash: string;
  hash: string;
  /** Present every signing interval and on the last chunk: the platform key's signature over this chunk's hash. */
  signature?: RecordingHeadSignature;
  /** The session ended with this chunk. */
  last: boolean;
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
    [CleanupJobName.ExpireStaleSessions]: Record<string, never>;
  };
  [QueueName.Recordings]: {
    [RecordingJobName.IngestChunk]: IngestRecordingChunkPayload;
    [RecordingJobName.ApplyRetention]: Record<string, never>;
  };
  [QueueName.Billing]: { [BillingJobName.ReportUsage]: BillingReportPayload };
  [QueueName.Audit]: { [AuditJobName.ExpireEvents]: Record<string, never> };
}

export type JobNameOf<Q extends QueueName> = Extract<keyof QueueJobs[Q], string>;
export type JobPayloadOf<Q extends QueueName, N extends JobNameOf<Q>> = QueueJobs[Q][N];
