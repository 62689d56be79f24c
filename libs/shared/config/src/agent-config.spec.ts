import { loadAgentCommandLine, parseEnvironmentFile } from './agent-config';

const tenant = '3dd0d1f8-8246-4519-b11a-a3dd33717f65';

describe('agent configuration', () => {
  it('takes flags over the environment over the file', () => {
    const file = `# agent settings\nFLEETGATE_SERVER_ADDRESS=http://from-file:8080\nFLEETGATE_TENANT_ID="${tenant}"\nFLEETGATE_HEARTBEAT_INTERVAL=60\n`;
    const result = loadAgentCommandLine(
      ['--config', '/etc/fleetgate/agent.env', '--heartbeat-interval', '15'],
      { FLEETGATE_SERVER_ADDRESS: 'http://from-env:8080/' },
      () => file,
    );
    expect(result).toMatchObject({
      kind: 'run',
      config: { serverAddress: 'http://from-env:8080', tenantId: tenant, heartbeatIntervalSeconds: 15 },
    });
  });

  it('answers --version and --help without needing settings', () => {
    expect(loadAgentCommandLine(['--version'], {})).toEqual({ kind: 'version' });
    expect(loadAgentCommandLine(['--help'], {})).toMatchObject({ kind: 'help' });
  });

  it('names the missing tenant and the flag that sets it', () => {
    expect(() => loadAgentCommandLine(['--server', 'http://localhost:8080'], {})).toThrow(
      /FLEETGATE_TENANT_ID \(flag --tenant-id\): is required but not set/,
    );
  });

  it('refuses unknown flags and unreadable files clearly', () => {
    expect(() => loadAgentCommandLine(['--tenant', tenant], {})).toThrow(/command line: .*--tenant/);
    expect(() =>
      loadAgentCommandLine(['--config', '/nope'], {}, () => {
        throw new Error('ENOENT');
      }),
    ).toThrow(/--config: cannot read \/nope/);
  });

  it('reports the line of a malformed settings file', () => {
    expect(() => parseEnvironmentFile('A=1\nnot a setting\n', 'agent.env')).toThrow(/agent.env:2: expected KEY=VALUE/);
  });
});
