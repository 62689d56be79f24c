import { Center, Loader } from '@mantine/core';
import { Outlet } from 'react-router-dom';
import { NotFoundPage } from '../../app/not-found-page';
import { useInstanceAdmin } from './admin-queries';

/** Admin pages: a non-administrator gets the same page as for an unknown address, as the API answers nothing more. */
export function RequireInstanceAdmin() {
  const { isAdmin, isPending } = useInstanceAdmin();
  if (isPending) {
    return (
      <Center py="xl" role="status" aria-live="polite">
        <Loader size="sm" aria-label="Loading" />
      </Center>
    );
  }
  return isAdmin ? <Outlet /> : <NotFoundPage />;
}
