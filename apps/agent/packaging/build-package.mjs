#!/usr/bin/env node
// Lays out the agent as a package of its own, from the workspace's build (`nx run agent:build`):
//   dist/fleetgate-agent/              the plain package: lib/ (the compiled agent), bin/, package.json with only the
//                                      agent's runtime dependencies and engines that allow Node 18, and node_modules
//                                      with exactly those (copied from the workspace's, so no registry is needed)
//   dist/fleetgate-agent-<v>.tgz       the same, as the installer takes it (deploy/agent/install.sh, also inside)
// With --sea it also builds dist/fleetgate-agent-sea/fleetgate-agent, a single executable (Node's single executable
// applications) for this machine's Node and architecture; see docs/agent-packaging.md.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const built = join(root, 'dist', 'apps', 'agent');
const out = join(root, 'dist', 'fleetgate-agent');
const entry = 'lib/apps/agent/src/main.js';

if (!existsSync(join(built, 'apps', 'agent', 'src', 'main.js'))) {
  console.error('build-package: dist/apps/agent is missing; run `npx nx run agent:build` first');
  process.exit(1);
}

const manifest = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));
const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const requireFromRoot = createRequire(join(root, 'package.json'));

/** Where Node would find package `name` from `from`: the nearest node_modules/<name> up the folders. */
function installedManifest(name, from = root) {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifestPath = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifestPath)) return { dir: dirname(manifestPath), json: JSON.parse(readFileSync(manifestPath, 'utf8')) };
    if (dirname(dir) === dir) throw new Error(`build-package: ${name} is not installed (looked from ${from})`);
  }
}

/** The agent's dependencies and theirs, as installed in the workspace: package directory by name. */
function closure(names) {
  const found = new Map();
  const visit = (name, from, optional) => {
    let installed;
    try {
      installed = installedManifest(name, from);
    } catch (error) {
      if (optional) return;
      throw error;
    }
    if (found.has(installed.dir)) return;
    found.set(installed.dir, installed.json);
    for (const dependency of Object.keys(installed.json.dependencies ?? {})) visit(dependency, installed.dir, false);
    for (const dependency of Object.keys(installed.json.optionalDependencies ?? {})) visit(dependency, installed.dir, true);
  };
  for (const name of names) visit(name, root, false);
  return found;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'bin'), { recursive: true });
mkdirSync(join(out, 'scripts'), { recursive: true });
cpSync(built, join(out, 'lib'), { recursive: true, filter: (source) => !source.endsWith('.map') });

const versionOf = (name) => installedManifest(name).json.version;
const packageJson = {
  name: manifest.name,
  version: workspace.version,
  description: manifest.description,
  license: manifest.license,
  private: manifest.private,
  engines: manifest.engines,
  main: entry,
  bin: manifest.bin,
  scripts: manifest.scripts,
  dependencies: Object.fromEntries(manifest.dependencies.map((name) => [name, versionOf(name)])),
  optionalDependencies: Object.fromEntries(manifest.optionalDependencies.map((name) => [name, versionOf(name)])),
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);

writeFileSync(join(out, 'bin', 'fleetgate-agent'), `#!/usr/bin/env node\n'use strict';\nrequire('../${entry}');\n`);
cpSync(join(here, 'build-pty.sh'), join(out, 'bin', 'fleetgate-agent-build-pty'));
cpSync(join(here, 'check-native.js'), join(out, 'scripts', 'check-native.js'));
// The installer and what it installs travel with the package.
mkdirSync(join(out, 'deploy'), { recursive: true });
for (const file of ['install.sh', 'fleetgate-agent.service', 'agent.env.example']) {
  cpSync(join(root, 'deploy', 'agent', file), join(out, 'deploy', file));
}
for (const file of ['deploy/install.sh', 'bin/fleetgate-agent', 'bin/fleetgate-agent-build-pty', 'scripts/check-native.js']) chmodSync(join(out, file), 0o755);

// node-pty's macOS and Windows prebuilds and Windows sources (58 of its 63 MB): nothing a Linux device can load.
const LEFT_OUT = ['node-pty/prebuilds', 'node-pty/deps', 'node-pty/third_party'];

// Workspace packages live flat under node_modules, except where npm nested a second version: keep that layout.
const rootModules = join(root, 'node_modules');
for (const dir of closure([...manifest.dependencies, ...manifest.optionalDependencies]).keys()) {
  const target = join(out, 'node_modules', relative(rootModules, dir));
  cpSync(dir, target, {
    recursive: true,
    dereference: true,
    // Nested node_modules are copied as packages of their own (above) when the closure reaches them.
    filter: (source) => {
      const inside = relative(dir, source).split('/');
      return !inside.includes('node_modules') && !LEFT_OUT.some((path) => relative(rootModules, source) === path);
    },
  });
}

const tarball = join(root, 'dist', `fleetgate-agent-${workspace.version}.tgz`);
execFileSync('tar', ['-czf', tarball, '-C', join(root, 'dist'), 'fleetgate-agent']);
console.log(`build-package: ${relative(root, out)} and ${relative(root, tarball)} (Node ${manifest.engines.node})`);

if (process.argv.includes('--sea')) buildSingleExecutable();

/**
 * A single executable: the agent bundled into one script (esbuild), injected into a copy of this Node binary.
 * Native bindings cannot be embedded: ssh2 runs on its pure-JavaScript crypto, and node-pty is looked up in a
 * node_modules next to the executable (see native-pty.ts), so terminals work where the installer put one there.
 */
function buildSingleExecutable() {
  const seaDir = join(root, 'dist', 'fleetgate-agent-sea');
  rmSync(seaDir, { recursive: true, force: true });
  mkdirSync(seaDir, { recursive: true });
  const bundle = join(seaDir, 'fleetgate-agent.cjs');
  requireFromRoot('esbuild').buildSync({
    entryPoints: [join(out, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile: bundle,
    external: ['node-pty', 'cpu-features', 'bufferutil', 'utf-8-validate', '*.node'],
    logLevel: 'warning',
    // The embedded script's own require loads only built-in modules (and warns at each other try): resolve the
    // external ones from the executable's folder instead, where the installer may put node_modules/node-pty.
    banner: { js: 'var require = require("node:module").createRequire(process.execPath);' },
  });
  const config = join(seaDir, 'sea-config.json');
  const blob = join(seaDir, 'sea-prep.blob');
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
  const executable = join(seaDir, 'fleetgate-agent');
  cpSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  execFileSync(process.execPath, [
    requireFromRoot.resolve('postject/dist/cli.js'), executable, 'NODE_SEA_BLOB', blob,
    '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2', '--overwrite',
  ], { stdio: 'inherit' });
  rmSync(blob);
  rmSync(config);
  console.log(`build-package: ${relative(root, executable)} (single executable, Node ${process.versions.node}, ${process.arch})`);
}
