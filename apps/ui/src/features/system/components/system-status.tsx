import { useEffect, useState } from 'react';
import type { HealthReport } from '@fleetgate/contracts';

type State = { kind: 'loading' } | { kind: 'loaded'; report: HealthReport } | { kind: 'failed'; reason: string };

/** Shows whether the platform answers, dependency by dependency, as coloured dots rather than JSON. */
export function SystemStatus({ fetcher = fetch }: { fetcher?: typeof fetch }) {
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    fetcher('/healthcheck')
      .then((response) => response.json() as Promise<HealthReport>)
      .then((report) => !cancelled && setState({ kind: 'loaded', report }))
      .catch((error: unknown) => !cancelled && setState({ kind: 'failed', reason: String(error) }));
    return () => {
      cancelled = true;
    };
  }, [fetcher]);

  if (state.kind === 'loading') return <p role="status">Checking the platform…</p>;
  if (state.kind === 'failed') return <p role="alert">The API did not answer: {state.reason}</p>;

  const { report } = state;
  return (
    <section aria-label="Platform status">
      <h2>
        Platform {report.status === 'ok' ? 'healthy' : 'degraded'} <small>v{report.version}</small>
      </h2>
      <ul className="checks">
        {Object.entries(report.checks).map(([name, dependency]) => (
          <li key={name} data-state={dependency}>
            <span className={`dot dot-${dependency}`} aria-hidden="true" />
            {name}: {dependency}
          </li>
        ))}
      </ul>
    </section>
  );
}
