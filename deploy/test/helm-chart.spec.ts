import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadApiConfig, loadSshConfig, loadWorkerConfig } from '@fleetgate/config';

/**
 * The Helm chart (deploy/helm/fleetgate) through the real `helm` that `scripts/services.sh helm` installs: `helm lint`
 * and `helm template`, then the rendered manifests parsed and held to what a production install needs.
 */
const root = join(__dirname, '..', '..');
const chart = join(root, 'deploy/helm/fleetgate');
const ciValues = join(chart, 'ci/test-values.yaml');
// A helm built with `go install` assumes Kubernetes 1.20 when no cluster is asked; the chart needs 1.25 or later.
const kubeVersion = ['--kube-version', '1.30.0'];

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  ports?: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string> | null;
  spec: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    minAvailable?: number;
    maxUnavailable?: number;
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    type?: string;
    ports?: Array<{ name: string; port: number; targetPort: string | number }>;
    rules?: Array<{ http: { paths: Array<{ path: string; backend: { service: { name: string } } }> } }>;
  };
}

let helm = '';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(helm, args, { encoding: 'utf8', cwd: root, maxBuffer: 16 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function render(extra: string[] = []): Manifest[] {
  const result = run(['template', 'fleetgate', chart, '-f', ciValues, ...kubeVersion, ...extra]);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

const components = ['api', 'ssh', 'worker', 'ui'] as const;

describe('the Helm chart', () => {
  let manifests: Manifest[];
  const find = (kind: string, name: string) => {
    const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
    return found;
  };
  const container = (component: string) => find('Deployment', `fleetgate-${component}`).spec.template?.spec.containers[0] as Container;

  beforeAll(() => {
    // Installs helm once per machine (pinned, into the per-user cache) or prints the path of the one installed.
    const installed = spawnSync('bash', [join(root, 'scripts/services.sh'), 'helm'], { encoding: 'utf8', timeout: 1_500_000 });
    if (installed.status !== 0) throw new Error(`scripts/services.sh helm failed:\n${installed.stderr}`);
    helm = installed.stdout.trim().split('\n').pop() ?? '';
    manifests = render();
  }, 1_600_000);

  it('passes helm lint --strict with external MongoDB and Redis', () => {
    const result = run(['lint', chart, '--strict', '-f', ciValues, ...kubeVersion]);
    expect({ status: result.status, out: result.stdout.match(/\[(ERROR|WARNING)\].*/g) }).toEqual({ status: 0, out: null });
  });

  it('refuses to render without a MongoDB or a Redis', () => {
    const result = run(['template', 'fleetgate', chart, ...kubeVersion, '--set', 'redis.url=redis://r:6379']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/set mongodb\.url \(an external MongoDB replica set\) or mongodb\.existingSecret/);
  });

  it('gives every app readiness and liveness probes on endpoints it serves, and resources', () => {
    const probes = Object.fromEntries(
      components.map((component) => {
        const { readinessProbe, livenessProbe, ports } = container(component);
        expect(ports?.find((port) => port.name === 'http')).toBeDefined();
        expect(readinessProbe?.httpGet?.port).toBe('http');
        expect(livenessProbe?.httpGet?.port).toBe('http');
        return [component, [readinessProbe?.httpGet?.path, livenessProbe?.httpGet?.path, ports?.[0].containerPort]];
      }),
    );
    expect(probes).toEqual({
      api: ['/readyz', '/livez', 8080],
      ssh: ['/readyz', '/livez', 8081],
      worker: ['/readyz', '/livez', 8082],
      ui: ['/', '/', 80],
    });
    for (const component of components) {
      const { resources } = container(component);
      for (const kind of ['requests', 'limits'] as const) {
        expect([component, kind, Object.keys(resources?.[kind] ?? {}).sort()]).toEqual([component, kind, ['cpu', 'memory']]);
      }
    }
  });

  it('has a PodDisruptionBudget for every app that selects its pods, and never blocks a drain of a single worker', () => {
    for (const component of components) {
      const budget = find('PodDisruptionBudget', `fleetgate-${component}`);
      expect(budget.apiVersion).toBe('policy/v1');
      const podLabels = find('Deployment', `fleetgate-${component}`).spec.template?.metadata.labels ?? {};
      expect(podLabels).toMatchObject(budget.spec.selector?.matchLabels ?? { missing: 'selector' });
    }
    expect(find('PodDisruptionBudget', 'fleetgate-api').spec.minAvailable).toBe(1);
    expect(find('PodDisruptionBudget', 'fleetgate-ssh').spec.minAvailable).toBe(1);
    expect(find('PodDisruptionBudget', 'fleetgate-worker').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('scales the API and the gateways with HorizontalPodAutoscalers, which then own the replica count', () => {
    const autoscaled = manifests.filter((manifest) => manifest.kind === 'HorizontalPodAutoscaler');
    expect(autoscaled.map((hpa) => hpa.spec.scaleTargetRef)).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'fleetgate-api' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'fleetgate-ssh' },
    ]);
    for (const hpa of autoscaled) expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(find('Deployment', 'fleetgate-api').spec.replicas).toBeUndefined();
    expect(find('Deployment', 'fleetgate-worker').spec.replicas).toBe(1);
  });

  it('renders settings that the apps’ one config loader accepts, from the ConfigMap, the Secret and the pod', () => {
    const config = find('ConfigMap', 'fleetgate-config').data ?? {};
    const secret = find('Secret', 'fleetgate-secret').stringData ?? {};
    const environment = (component: string) => ({
      ...config,
      ...secret,
      ...Object.fromEntries((container(component).env ?? []).map((variable) => [variable.name, variable.value ?? ''])),
    });
    const api = loadApiConfig(environment('api'));
    expect(api.publicEndpoints).toEqual({ api: 'fleet.example.test', ssh: 'fleet.example.test:22', tunnel: 'wss://fleet.example.test' });
    expect(api.mongo.url).toBe('mongodb://mongo-0.mongo,mongo-1.mongo,mongo-2.mongo:27017/?replicaSet=rs0');
    expect(loadSshConfig(environment('ssh')).ssh).toMatchObject({ port: 2222, proxyProtocolFrom: ['10.0.0.0/8'] });
    expect(loadWorkerConfig(environment('worker')).redis.url).toBe('redis://redis:6379');
  });

  it('reads MongoDB and Redis from Secrets of one’s own when told to', () => {
    const rendered = render(['--set', 'mongodb.existingSecret=db', '--set', 'redis.existingSecret=cache', '--set', 'mongodb.url=', '--set', 'redis.url=']);
    const secret = rendered.find((manifest) => manifest.kind === 'Secret');
    expect(Object.keys(secret?.stringData ?? {})).not.toEqual(expect.arrayContaining(['MONGO_URL']));
    const api = rendered.find((manifest) => manifest.kind === 'Deployment' && manifest.metadata.name === 'fleetgate-api');
    expect(api?.spec.template?.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'MONGO_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'MONGO_URL' } } },
        { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'cache', key: 'REDIS_URL' } } },
      ]),
    );
  });

  it('routes HTTPS by path and publishes SSH at L4', () => {
    const paths = find('Ingress', 'fleetgate').spec.rules?.[0].http.paths.map((path) => [path.path, path.backend.service.name]);
    expect(paths).toEqual([
      ['/api', 'fleetgate-api'],
      ['/info', 'fleetgate-api'],
      ['/install', 'fleetgate-api'],
      ['/install.sh', 'fleetgate-api'],
      ['/healthcheck', 'fleetgate-api'],
      ['/agent', 'fleetgate-ssh-http'],
      ['/ws', 'fleetgate-ssh-http'],
      ['/', 'fleetgate-ui'],
    ]);
    const ssh = find('Service', 'fleetgate-ssh');
    expect(ssh.spec.type).toBe('LoadBalancer');
    expect(ssh.spec.ports).toEqual([{ name: 'ssh', port: 22, targetPort: 'ssh', protocol: 'TCP' }]);
    for (const service of manifests.filter((manifest) => manifest.kind === 'Service')) {
      const pods = manifests.filter(
        (manifest) =>
          manifest.kind === 'Deployment' &&
          Object.entries(service.spec.selector ?? {}).every(([key, value]) => manifest.spec.template?.metadata.labels[key] === value),
      );
      expect([service.metadata.name, pods.length]).toEqual([service.metadata.name, 1]);
    }
  });
});
