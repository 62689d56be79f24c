import { SystemStatus } from '../features/system/components/system-status';

export function App() {
  return (
    <div className="layout">
      <header className="topbar">
        <span className="brand">Fleetgate</span>
        <span className="tagline">SSH to every device in your fleet, behind any NAT</span>
      </header>
      <main className="content">
        <SystemStatus />
      </main>
    </div>
  );
}
