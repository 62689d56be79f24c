import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder above this file that holds nx.json. */
export function workspaceRoot(start: string = __dirname): string {
  let directory = start;
  while (!existsSync(join(directory, 'nx.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no nx.json above ${start}`);
    directory = parent;
  }
  return directory;
}
