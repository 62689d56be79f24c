import { Injectable } from '@nestjs/common';
import { NamespacesRepository, SessionsRepository, tenantScope } from '@fleetgate/data-access';
import { RecordingStore } from './recording-store';

export interface RetentionSettings {
  /** Days recordings are kept unless the namespace says otherwise; 0 keeps them forever. */
  retentionDays: number;
  /** Chunks deleted per command. */
  batchSize: number;
}

export interface RetentionResult {
  tenants: number;
  chunks: number;
  sessions: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Deletes recordings older than their namespace's retention (its `session_record_retention_days`, else the global
 * setting), whole, in batches of bounded size, and marks their sessions unrecorded.
 */
@Injectable()
export class RecordingRetentionService {
  constructor(
    private readonly store: RecordingStore,
    private readonly namespaces: NamespacesRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  async apply(settings: RetentionSettings, now = Date.now()): Promise<RetentionResult> {
    const result: RetentionResult = { tenants: 0, chunks: 0, sessions: 0 };
    for (const tenantId of await this.store.tenants()) {
      let scope;
      try {
        scope = tenantScope(tenantId);
      } catch {
        continue;
      }
      const namespace = await this.namespaces.findOne(scope, {});
      // A deleted namespace's recordings go with its other contents (the cleanup queue), not by age.
      if (!namespace) continue;
      const override = namespace.settings?.session_record_retention_days ?? 0;
      const days = override > 0 ? override : settings.retentionDays;
      if (days <= 0) continue;
      const cutoff = new Date(now - days * DAY_MS);
      const touched = new Set<string>();
      let deletedHere = 0;
      for (;;) {
        const pass = await this.store.deleteExpired(scope, cutoff, settings.batchSize);
        pass.sessions.forEach((uid) => touched.add(uid));
        deletedHere += pass.chunks;
        if (pass.chunks < settings.batchSize) break;
      }
      for (const uid of touched) await this.sessions.setRecorded(scope, uid, false);
      if (deletedHere > 0) result.tenants += 1;
      result.chunks += deletedHere;
      result.sessions += touched.size;
    }
    return result;
  }
}
