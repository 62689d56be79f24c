import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const MEMBERSHIP_MODEL = 'Membership';

/** Highest first: owner 4 > administrator 3 > operator 2 > observer 1 (ShellHub role codes). */
export const memberRoles = ['owner', 'administrator', 'operator', 'observer'] as const;
export type MemberRole = (typeof memberRoles)[number];

export const membershipStatuses = ['accepted', 'pending'] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

/**
 * A user's place in a namespace. A collection of its own rather than ShellHub's embedded `members` array,
 * because FerretDB's array queries are limited and a membership must be found by (tenant, user) on every request.
 */
export interface MembershipDocument {
  tenant_id: string;
  user_id: string;
  role: MemberRole;
  status: MembershipStatus;
  created_at?: Date;
  updated_at?: Date;
}

export const membershipSchema = new Schema<MembershipDocument>(
  {
    tenant_id: { type: String, required: true },
    user_id: { type: String, required: true },
    role: { type: String, required: true, enum: memberRoles },
    status: { type: String, required: true, enum: membershipStatuses },
  },
  documentSchemaOptions('memberships'),
);
membershipSchema.index({ tenant_id: 1, user_id: 1 }, { unique: true });
// Login looks up the namespaces of one user before any tenant is known.
membershipSchema.index({ user_id: 1, created_at: 1 });
