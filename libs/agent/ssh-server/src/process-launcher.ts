import { type ChildProcess, spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { IPty } from 'node-pty';
import type { PtyModule } from './native-pty';
import type { PtySize } from './gateway-session-server';
import type { LocalAccount } from './local-accounts';

export interface LaunchRequest {
  account: LocalAccount;
  /** argv to run; the first element is the program. */
  command: string[];
  env: Record<string, string>;
}

/**
 * Runs programs as the target local user: uid, gid and supplementary groups. When the agent runs as root,
 * setpriv(1) switches identity with --init-groups (Node's own uid/gid options would drop the supplementary groups);
 * otherwise the agent can only run programs as itself.
 */
export class ProcessLauncher {
  private readonly agentUid = userInfo().uid;

  argv(request: LaunchRequest): string[] {
    if (this.agentUid === request.account.uid) return request.command;
    if (this.agentUid !== 0) throw new Error(`the agent runs as uid ${this.agentUid} and cannot act as ${request.account.name}`);
    return [
      'setpriv',
      `--reuid=${request.account.uid}`,
      `--regid=${request.account.gid}`,
      '--init-groups',
      '--',
      ...request.command,
    ];
  }

  spawnPipes(request: LaunchRequest): ChildProcess {
    const [program, ...args] = this.argv(request);
    return spawn(program, args, { cwd: request.account.home, env: request.env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  spawnPty(pty: PtyModule, request: LaunchRequest, term: string, size: PtySize): IPty {
    const [program, ...args] = this.argv(request);
    return pty.spawn(program, args, {
      name: term,
      cols: size.cols,
      rows: size.rows,
      cwd: request.account.home,
      env: request.env,
    });
  }
}
