import { createHash } from 'node:crypto';

export interface DeviceUidSource {
  /** Absent when the agent sent no identity at all, which ShellHub hashes differently from an empty MAC. */
  identity?: { mac: string };
  publicKey: string;
  tenantId: string;
}

/**
 * The device UID ShellHub derives, so that existing agents and devices keep theirs: lower-case hex SHA-256 of
 * github.com/cnf/structhash's version-1 dump of `{Identity, PublicKey, TenantID}`. The dump sorts fields by Go
 * name, leaves names unquoted and strings unescaped, and writes a nil identity as Go's `<invalid Value>`.
 */
export function deviceUid(source: DeviceUidSource): string {
  const identity = source.identity === undefined ? '<invalid Value>' : `{MAC:"${source.identity.mac}"}`;
  const dump = `{Identity:${identity},PublicKey:"${source.publicKey}",TenantID:"${source.tenantId}"}`;
  return createHash('sha256').update(dump, 'utf8').digest('hex');
}
