import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as NodePty from 'node-pty';

export type PtyModule = typeof NodePty;

/** Whether this device can give sessions a pseudo-terminal, and if not, what a person is told. */
export type PtySupport = { available: true; pty: PtyModule } | { available: false; reason: string };

/** How node-pty is required; the default tries the package itself, then a `node_modules` next to the executable. */
export type PtyRequire = () => PtyModule;

/**
 * node-pty ships no Linux prebuilds, so on an ARM board its binding exists only once it was compiled there. It is
 * loaded when the first session asks for a terminal, never at start-up: without it the agent still starts and serves
 * commands, scp, sftp and forwarding, and each terminal request is refused with this message.
 */
export function loadPtySupport(requirePty: PtyRequire = requireNodePty): PtySupport {
  try {
    return { available: true, pty: requirePty() };
  } catch (error) {
    const cause = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
    return {
      available: false,
      reason:
        `no terminal on this device: node-pty's native binding did not load (${cause}). ` +
        'Commands, scp, sftp and port forwarding still work. To get terminals, build it on the device: ' +
        'fleetgate-agent-build-pty (needs build-essential and libnode-dev), then restart the agent.',
    };
  }
}

let cached: PtySupport | undefined;

/** `loadPtySupport` once per process: a binding that did not load will not load later without a restart. */
export function ptySupport(): PtySupport {
  cached ??= loadPtySupport();
  return cached;
}

function requireNodePty(): PtyModule {
  try {
    return require('node-pty') as PtyModule;
  } catch (error) {
    // A single executable's own require knows only Node's built-in modules: look next to the executable instead.
    const beside = createRequire(join(dirname(process.execPath), 'node_modules', 'fleetgate-agent.js'));
    try {
      return beside('node-pty') as PtyModule;
    } catch {
      throw error;
    }
  }
}
