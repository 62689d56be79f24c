import { existsSync, readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadApiConfig, loadSshConfig, loadWorkerConfig } from '@fleetgate/config';

/**
 * The production Compose stack (docker-compose.yml), checked without a Docker engine: parsed as Compose reads it
 * (anchors, merge keys, `${VAR:-default}` interpolation with no host settings), then held to what issue 13 asks and
 * to what the apps' one config loader accepts.
 */
const root = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
  healthcheck?: { test: string[] };
  networks?: { default?: { aliases?: string[]; ipv4_address?: string } };
  profiles?: string[];
}

interface ComposeFile {
  services: Record<string, Service>;
  networks: { default: { ipam: { config: Array<{ subnet: string }> } } };
  volumes: Record<string, unknown>;
}

/** Compose's interpolation with no host settings: `${X:-d}` and `${X-d}` give d, `${X}` gives the empty string. */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{[A-Z_][A-Z0-9_]*(?::?-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '');
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, interpolate(entry)]));
  return value;
}

function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));
}

describe('docker-compose.yml, the production stack', () => {
  const compose = interpolate(parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true })) as ComposeFile;
  const { services } = compose;
  const caddyfile = readFileSync(join(root, 'deploy/caddy/Caddyfile'), 'utf8');
  const haproxy = readFileSync(join(root, 'deploy/haproxy/haproxy.cfg'), 'utf8');

  it('has the whole stack: a three-member replica set, Redis, two APIs, two gateways, the worker, the UI, a proxy and an L4 balancer', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api-1', 'api-2', 'demo-agent', 'mongo-1', 'mongo-2', 'mongo-3', 'proxy', 'redis', 'ssh-1', 'ssh-2', 'ssh-balancer', 'ui', 'worker'].sort(),
    );
    for (const name of ['api-1', 'api-2']) expect(services[name].build?.args).toEqual({ APP: 'api' });
    for (const name of ['ssh-1', 'ssh-2']) expect(services[name].build?.args).toEqual({ APP: 'ssh' });
    expect(services['worker'].build?.args).toEqual({ APP: 'worker' });
    expect(services['ui'].build?.dockerfile).toBe('deploy/Dockerfile.ui');
    expect(services['proxy'].image).toMatch(/^caddy:2/);
    expect(services['ssh-balancer'].image).toMatch(/^haproxy:/);
    expect(services['demo-agent'].profiles).toEqual(['demo']);
  });

  it('runs MongoDB as a replica set the apps connect to through all its members', () => {
    for (const name of ['mongo-1', 'mongo-2', 'mongo-3']) expect(services[name].command).toEqual(['--replSet', 'rs0', '--bind_ip_all']);
    const initiation = services['mongo-1'].healthcheck?.test.join(' ') ?? '';
    for (const member of ['mongo-1:27017', 'mongo-2:27017', 'mongo-3:27017']) expect(initiation).toContain(`host: '${member}'`);
    expect(initiation).toContain("_id: 'rs0'");
    for (const name of ['api-1', 'api-2', 'ssh-1', 'ssh-2', 'worker']) {
      expect(environmentOf(services[name])['MONGO_URL']).toBe('mongodb://mongo-1:27017,mongo-2:27017,mongo-3:27017/?replicaSet=rs0');
      expect(services[name].depends_on).toMatchObject({ 'mongo-1': { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });

  it('runs Redis with the append-only file and noeviction', () => {
    const command = services['redis'].command ?? [];
    const option = (name: string) => command[command.indexOf(name) + 1];
    expect(option('--appendonly')).toBe('yes');
    expect(option('--maxmemory-policy')).toBe('noeviction');
    expect(services['redis'].volumes).toEqual(['redis-data:/data']);
  });

  it('gives every server app settings the one config loader accepts', () => {
    for (const name of ['api-1', 'api-2']) expect(() => loadApiConfig(environmentOf(services[name]))).not.toThrow();
    for (const name of ['ssh-1', 'ssh-2']) expect(() => loadSshConfig(environmentOf(services[name]))).not.toThrow();
    expect(() => loadWorkerConfig(environmentOf(services['worker']))).not.toThrow();
  });

  it('publishes only the proxy (HTTP, HTTPS) and the SSH balancer', () => {
    const published = Object.entries(services).filter(([, service]) => service.ports).map(([name, service]) => [name, service.ports]);
    expect(published).toEqual([
      ['proxy', ['80:80', '443:443', '443:443/udp']],
      ['ssh-balancer', ['2222:2222']],
    ]);
  });

  it('believes PROXY headers only from the balancer, and forwarded addresses only from the proxy, both at fixed addresses', () => {
    const subnet = compose.networks.default.ipam.config[0].subnet.split('/');
    const network = new BlockList();
    network.addSubnet(subnet[0], Number(subnet[1]));
    const balancer = services['ssh-balancer'].networks?.default?.ipv4_address ?? '';
    const proxy = services['proxy'].networks?.default?.ipv4_address ?? '';
    expect(network.check(balancer)).toBe(true);
    expect(network.check(proxy)).toBe(true);
    for (const name of ['ssh-1', 'ssh-2']) {
      const config = loadSshConfig(environmentOf(services[name]));
      expect(config.ssh.proxyProtocolFrom).toEqual([`${balancer}/32`]);
    }
    for (const name of ['api-1', 'api-2']) expect(loadApiConfig(environmentOf(services[name])).http.trustedProxies).toEqual([`${proxy}/32`]);
    // The balancer sends the header the gateways read, to both gateways' SSH ports.
    expect(haproxy).toMatch(/^\s*default-server .*send-proxy-v2/m);
    expect(haproxy).toMatch(/^\s*server ssh-1 ssh-1:2222$/m);
    expect(haproxy).toMatch(/^\s*server ssh-2 ssh-2:2222$/m);
    expect(haproxy).toMatch(/^\s*mode tcp$/m);
  });

  it('routes the API, the agents’ and terminal WebSockets and the UI through the TLS proxy', () => {
    expect(services['proxy'].volumes).toContain('./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro');
    const matcher = (name: string) => new RegExp(`^\\s*@${name} path (.+)$`, 'm').exec(caddyfile)?.[1].split(/\s+/) ?? [];
    expect(matcher('api')).toEqual(expect.arrayContaining(['/api/*', '/info', '/install', '/install.sh']));
    expect(matcher('gateway')).toEqual(expect.arrayContaining(['/agent/*', '/ws/*']));
    expect(caddyfile).toMatch(/handle @api \{\s*reverse_proxy api-1:8080 api-2:8080 \{/);
    expect(caddyfile).toMatch(/handle @gateway \{\s*reverse_proxy ssh-1:8081 ssh-2:8081 \{/);
    expect(caddyfile).toMatch(/handle \{\s*encode zstd gzip\s*reverse_proxy ui:80\s*\}/);
    // The API's and gateways' own health endpoints are what the proxy checks.
    expect(caddyfile.match(/health_uri \/readyz/g)).toHaveLength(2);
  });

  it('names only services, volumes and files that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) expect([name, dependency, dependency in services]).toEqual([name, dependency, true]);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./')) expect([name, source, existsSync(join(root, source))]).toEqual([name, source, true]);
        else expect([name, source, source in compose.volumes]).toEqual([name, source, true]);
      }
      if (service.build) expect(existsSync(join(root, service.build.dockerfile))).toBe(true);
    }
  });

  it('describes the images for amd64 and arm64, and the agent’s for armv7 too', () => {
    const bake = readFileSync(join(root, 'deploy/docker-bake.hcl'), 'utf8');
    const agent = /target "agent" \{([\s\S]*?)\n\}/.exec(bake)?.[1] ?? '';
    expect(agent).toContain('platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7"]');
    expect(agent).toContain('target = "agent"');
    expect(/target "_common" \{([\s\S]*?)\n\}/.exec(bake)?.[1]).toContain('platforms = ["linux/amd64", "linux/arm64"]');
  });
});
