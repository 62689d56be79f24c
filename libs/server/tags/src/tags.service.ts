import { Injectable } from '@nestjs/common';
import {
  type DeviceDocument,
  DevicesRepository,
  type FirewallRuleDocument,
  FirewallRulesRepository,
  type PublicKeyDocument,
  PublicKeysRepository,
  type ScopedFilter,
  type ScopedUpdate,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';

/** Tags per device, public key filter and firewall rule filter (ShellHub's limit). */
export const MAX_FILTER_TAGS = 3;

/** What carries a device filter with tags: a public key (by fingerprint) or a firewall rule (by id). */
export type FilterOwner = { kind: 'public-key'; fingerprint: string } | { kind: 'firewall-rule'; id: string };

/**
 * A namespace's tags: the union of its devices' tags and the tag filters of its public keys and firewall rules.
 * Renaming or deleting a tag changes every one of them. Array updates use $addToSet/$pull, not arrayFilters or
 * positional operators, which FerretDB 1.24 does not support.
 */
@Injectable()
export class TagsService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly publicKeys: PublicKeysRepository,
    private readonly firewallRules: FirewallRulesRepository,
  ) {}

  async list(scope: TenantScope): Promise<string[]> {
    const [devices, keys, rules] = await Promise.all([
      this.devices.find(scope, { tags: { $exists: true, $ne: [] } } as ScopedFilter<DeviceDocument>),
      this.publicKeys.find(scope, { 'filter.tags': { $exists: true } } as ScopedFilter<PublicKeyDocument>),
      this.firewallRules.find(scope, { 'filter.tags': { $exists: true } } as ScopedFilter<FirewallRuleDocument>),
    ]);
    const tags = new Set<string>();
    for (const device of devices) for (const tag of device.tags) tags.add(tag);
    for (const owner of [...keys, ...rules]) for (const tag of owner.filter.tags ?? []) tags.add(tag);
    return [...tags].sort();
  }

  async rename(scope: TenantScope, from: string, to: string): Promise<void> {
    if (from === to) return;
    if (!(await this.list(scope)).includes(from)) throw AppException.notFound('tag');
    // Add the new name first, then drop the old one: a failure in between leaves both, never neither.
    await this.everywhere(scope, from, { $addToSet: { tags: to } }, { $addToSet: { 'filter.tags': to } });
    await this.everywhere(scope, from, { $pull: { tags: from } }, { $pull: { 'filter.tags': from } });
  }

  /**
   * Deletes a tag everywhere. A public key or firewall rule left without any tag keeps its empty filter, which
   * matches no device, and a rule is also turned inactive so that its list shows it (docs/adr/0006-empty-tag-filters.md).
   */
  async delete(scope: TenantScope, tag: string): Promise<void> {
    if (!(await this.list(scope)).includes(tag)) throw AppException.notFound('tag');
    await this.everywhere(scope, tag, { $pull: { tags: tag } }, { $pull: { 'filter.tags': tag } });
    await this.firewallRules.updateMany(
      scope,
      { 'filter.tags': { $size: 0 } } as ScopedFilter<FirewallRuleDocument>,
      { $set: { active: false } } as ScopedUpdate<FirewallRuleDocument>,
    );
  }

  /** Tag operations on a public key's or a firewall rule's device filter. */
  async addFilterTag(scope: TenantScope, owner: FilterOwner, tag: string): Promise<void> {
    const filter = await this.filterOf(scope, owner);
    if (filter.hostname !== undefined) {
      throw AppException.validation('the filter selects devices by hostname; replace its tags (PUT) to filter by tags instead');
    }
    const tags = filter.tags ?? [];
    if (tags.includes(tag)) throw AppException.conflict(`the filter already has tag ${tag}`);
    if (tags.length >= MAX_FILTER_TAGS) throw AppException.validation(`a filter has at most ${MAX_FILTER_TAGS} tags`);
    await this.updateFilter(scope, owner, { $addToSet: { 'filter.tags': tag } });
  }

  async replaceFilterTags(scope: TenantScope, owner: FilterOwner, tags: string[]): Promise<void> {
    const distinct = [...new Set(tags)];
    if (distinct.length === 0 || distinct.length > MAX_FILTER_TAGS) {
      throw AppException.validation(`a filter has 1 to ${MAX_FILTER_TAGS} tags`);
    }
    await this.filterOf(scope, owner);
    await this.updateFilter(scope, owner, { $set: { filter: { tags: distinct } } });
  }

  /** Refuses to remove the last tag: a filter has 1 to 3 tags, as when it is written whole (PUT). */
  async removeFilterTag(scope: TenantScope, owner: FilterOwner, tag: string): Promise<void> {
    const filter = await this.filterOf(scope, owner);
    const tags = filter.tags ?? [];
    if (!tags.includes(tag)) throw AppException.notFound('tag');
    if (tags.length === 1) {
      const what = owner.kind === 'public-key' ? 'public key' : 'firewall rule';
      throw AppException.validation(
        `${tag} is the last tag of this ${what}'s filter; a filter needs at least one tag: replace the filter (PUT) or delete the ${what}`,
      );
    }
    await this.updateFilter(scope, owner, { $pull: { 'filter.tags': tag } });
  }

  private async filterOf(scope: TenantScope, owner: FilterOwner): Promise<{ hostname?: string; tags?: string[] }> {
    const document =
      owner.kind === 'public-key'
        ? await this.publicKeys.findOne(scope, { fingerprint: String(owner.fingerprint) })
        : await this.firewallRules.findOne(scope, { id: String(owner.id) });
    if (!document) throw AppException.notFound(owner.kind === 'public-key' ? 'public key' : 'firewall rule');
    return document.filter;
  }

  private async updateFilter(scope: TenantScope, owner: FilterOwner, update: Record<string, unknown>): Promise<void> {
    if (owner.kind === 'public-key') {
      await this.publicKeys.updateOne(scope, { fingerprint: String(owner.fingerprint) }, update as ScopedUpdate<PublicKeyDocument>);
    } else {
      await this.firewallRules.updateOne(scope, { id: String(owner.id) }, update as ScopedUpdate<FirewallRuleDocument>);
    }
  }

  private async everywhere(
    scope: TenantScope,
    tag: string,
    deviceUpdate: Record<string, unknown>,
    filterUpdate: Record<string, unknown>,
  ): Promise<void> {
    await Promise.all([
      this.devices.updateMany(scope, { tags: tag } as ScopedFilter<DeviceDocument>, deviceUpdate as ScopedUpdate<DeviceDocument>),
      this.publicKeys.updateMany(scope, { 'filter.tags': tag } as ScopedFilter<PublicKeyDocument>, filterUpdate as ScopedUpdate<PublicKeyDocument>),
      this.firewallRules.updateMany(
        scope,
        { 'filter.tags': tag } as ScopedFilter<FirewallRuleDocument>,
        filterUpdate as ScopedUpdate<FirewallRuleDocument>,
      ),
    ]);
  }
}
