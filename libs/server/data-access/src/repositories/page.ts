/** One page of a tenant's documents, and how many there are across all pages (ShellHub's X-Total-Count). */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageRequest {
  /** From 1. */
  page: number;
  perPage: number;
}

/** The skip and limit of a page, for `TenantScopedRepository.find`. */
export function pageWindow({ page, perPage }: PageRequest): { skip: number; limit: number } {
  return { skip: (page - 1) * perPage, limit: perPage };
}
