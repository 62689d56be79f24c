import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { workspaceRoot } from '@fleetgate/testing';

/**
 * A type-level test: compiles a fixture with the TypeScript compiler and checks that exactly the lines that
 * forget or forge the tenant fail to compile.
 */
describe('TenantScope at the type level', () => {
  it('makes a query without a TenantScope, or one naming tenant_id, a compile error', () => {
    const root = workspaceRoot();
    const fixture = join(__dirname, '__fixtures__', 'forgotten-tenant.fixture.ts');
    const configFile = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
    const program = ts.createProgram([fixture], { ...options, noEmit: true, types: ['node'] });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === fixture);
    const lineOf = (diagnostic: ts.Diagnostic) =>
      (diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line ?? -1) + 1;

    const linesWithErrors = new Set(diagnostics.map(lineOf));
    const expected = new Set(
      readFileSync(fixture, 'utf8')
        .split('\n')
        .map((line, index) => (line.includes('// EXPECT-ERROR') ? index + 1 : 0))
        .filter((line) => line > 0),
    );

    const report = diagnostics.map((d) => `${lineOf(d)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(expected.size).toBe(9);
    expect({ linesWithErrors: [...linesWithErrors].sort((a, b) => a - b), report }).toEqual({
      linesWithErrors: [...expected].sort((a, b) => a - b),
      report: expect.any(Array),
    });
  }, 60_000);
});
