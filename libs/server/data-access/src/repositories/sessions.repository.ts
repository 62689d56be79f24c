import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { chunked } from '../batching/write-batches';
import { SESSION_MODEL, type SessionDocument, type SessionType } from '../schemas/session.schema';
import type { TenantScope } from '../tenancy/tenant-scope';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

/** A session a gateway holds, for its keepalive batch. */
export interface HeldSession {
  tenantId: string;
  uid: string;
}

/** Uids per keepalive updateMany: the same bound as device last_seen (DevicePresenceRepository says why). */
const KEEPALIVE_UIDS_PER_UPDATE = 100;

/**
 * Session records (ShellHub's `sessions`). Gateways write them (create, authenticated, type, keepalive, close); the
 * API reads them and closes them; the worker expires those whose gateway stopped sending keepalives.
 */
@Injectable()
export class SessionsRepository extends TenantScopedRepository<SessionDocument> {
  constructor(@InjectModel(SESSION_MODEL) model: Model<SessionDocument>) {
    super(model);
  }

  findByUid(scope: TenantScope, uid: string): Promise<SessionDocument | null> {
    return this.findOne(scope, { uid: String(uid) });
  }

  /** Returns whether the tenant has such a session. */
  async markAuthenticated(scope: TenantScope, uid: string, authenticated = true): Promise<boolean> {
    return (await this.updateMany(scope, { uid: String(uid) }, { $set: { authenticated } })) === 1;
  }

  /** What the person's first channel asked for: a shell (with its terminal type), a command or a subsystem. */
  async setType(scope: TenantScope, uid: string, type: SessionType, term: string): Promise<boolean> {
    return (await this.updateMany(scope, { uid: String(uid) }, { $set: { type, term } })) === 1;
  }

  async setRecorded(scope: TenantScope, uid: string, recorded: boolean): Promise<boolean> {
    return (await this.updateMany(scope, { uid: String(uid) }, { $set: { recorded } })) === 1;
  }

  /**
   * Keeps the sessions a gateway holds alive: `last_seen` of many active sessions in one updateMany per tenant and
   * chunk of uids, never one write per session. Returns the commands sent, one after the other.
   */
  async touch(sessions: readonly HeldSession[], lastSeen: Date): Promise<number> {
    const byTenant = new Map<string, string[]>();
    for (const { tenantId, uid } of sessions) {
      const uids = byTenant.get(tenantId);
      if (uids) uids.push(uid);
      else byTenant.set(tenantId, [uid]);
    }
    let commands = 0;
    for (const [tenantId, uids] of byTenant) {
      for (const chunk of chunked(uids, KEEPALIVE_UIDS_PER_UPDATE)) {
        await this.model
          .updateMany({ tenant_id: tenantId, uid: { $in: chunk }, active: true }, { $set: { last_seen: lastSeen } })
          .exec();
        commands++;
      }
    }
    return commands;
  }

  /** Ends a session; returns whether it was still active (closing twice changes nothing). */
  async close(scope: TenantScope, uid: string, at = new Date()): Promise<boolean> {
    const closed = await this.updateMany(
      scope,
      { uid: String(uid), active: true },
      { $set: { active: false, closed_at: at, last_seen: at } },
    );
    return closed === 1;
  }

  /** Active sessions of the tenant seen since `since` (older ones belong to a gateway that stopped keeping them alive). */
  countActive(scope: TenantScope, since: Date): Promise<number> {
    return this.count(scope, { active: true, last_seen: { $gte: since } });
  }

  /**
   * Unscoped on purpose: the contract's internal session routes (`POST /api/sessions/{uid}`, keepalive) name a
   * session by uid alone, for a platform service that acts for every tenant. Returns the owning tenant only, for
   * the caller to scope what it does next.
   */
  async tenantOfUnscoped(uid: string): Promise<string | null> {
    const session = await this.model.findOne({ uid: String(uid) }, { tenant_id: 1 }).lean<{ tenant_id: string }>().exec();
    return session?.tenant_id ?? null;
  }

  deleteByTenant(scope: TenantScope): Promise<number> {
    return this.deleteMany(scope, {});
  }

  /**
   * Unscoped on purpose: the worker's expiry closes the sessions of every tenant whose gateway stopped sending
   * keepalives (it died, or lost its database). One updateMany; it returns how many it closed.
   */
  async expireStaleUnscoped(seenBefore: Date, at = new Date()): Promise<number> {
    const result = await this.model
      .updateMany({ active: true, last_seen: { $lt: seenBefore } }, { $set: { active: false, closed_at: at } })
      .exec();
    return result.modifiedCount;
  }
}
