import { AppException } from '@fleetgate/errors';

declare const tenantScopeBrand: unique symbol;

/**
 * Proof that a caller resolved which namespace it acts in. Every tenant-scoped repository method takes one,
 * so a query that forgets the tenant does not compile (ShellHub shipped four cross-tenant leaks that way).
 * Only `tenantScope()` makes one: a bare string is not a TenantScope.
 */
export interface TenantScope {
  readonly tenantId: string;
  readonly [tenantScopeBrand]: true;
}

const tenantIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Builds the scope for a tenant id the caller has already authorised; refuses anything that is not a tenant id. */
export function tenantScope(tenantId: string): TenantScope {
  const normalised = typeof tenantId === 'string' ? tenantId.toLowerCase() : '';
  if (!tenantIdPattern.test(normalised)) throw AppException.validation('tenant id must be a UUID');
  return Object.freeze({ tenantId: normalised }) as TenantScope;
}
