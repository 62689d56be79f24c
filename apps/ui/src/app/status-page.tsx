import { AuthCard } from '../features/auth/pages/auth-card';
import { SystemStatus } from '../features/system/components/system-status';

/** Whether the platform answers, reachable without signing in (linked from the sign-in page). */
export function StatusPage() {
  return (
    <AuthCard title="Platform status">
      <SystemStatus />
    </AuthCard>
  );
}
