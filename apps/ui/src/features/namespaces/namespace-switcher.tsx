import { Select } from '@mantine/core';
import { useSession } from '../auth/session-store';
import { notifyError } from '../../ui/form-errors';
import { useNamespaces, useSwitchNamespace } from './namespace-queries';

export function NamespaceSwitcher() {
  const session = useSession();
  const namespaces = useNamespaces();
  const switchTo = useSwitchNamespace();
  const data = (namespaces.data?.items ?? []).map((namespace) => ({ value: namespace.tenant_id, label: namespace.name }));
  if (data.length === 0) return null;
  return (
    <Select
      aria-label="Namespace"
      size="xs"
      w={{ base: 120, sm: 180 }}
      data={data}
      value={session?.tenant || null}
      allowDeselect={false}
      onChange={(tenant) => tenant && tenant !== session?.tenant && switchTo(tenant).catch(notifyError)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
