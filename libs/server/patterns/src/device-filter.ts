import { AppException } from '@fleetgate/errors';
import { SafePattern } from './safe-pattern';

/** Which devices a firewall rule or a channel policy covers: a hostname pattern, or tags (ShellHub's filter). */
export type DeviceFilter = { hostname: string; tags?: undefined } | { tags: string[]; hostname?: undefined };

/**
 * A filter as stored: exactly one of hostname and tags, the pattern compiling on RE2 and at least one tag. An empty
 * tag list would cover no device (docs/adr/0006-empty-tag-filters.md); it is refused rather than stored.
 */
export function validDeviceFilter(request: { hostname?: string; tags?: string[] }): DeviceFilter {
  const { hostname, tags } = request;
  if ((hostname === undefined) === (tags === undefined)) throw AppException.validation('filter must have either hostname or tags');
  if (hostname !== undefined) {
    SafePattern.compile(hostname, 'filter.hostname');
    return { hostname };
  }
  if (!tags || tags.length === 0) throw AppException.validation('filter.tags must name at least one tag; use hostname ".*" for every device');
  return { tags };
}
