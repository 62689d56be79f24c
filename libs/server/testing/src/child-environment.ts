import { readProcessEnvironment } from '@fleetgate/config';

/**
 * The environment for an app a test starts as a process: only PATH and HOME from the test's own environment,
 * so that a developer's shell variables never leak into what the test checks, plus the given variables.
 */
export function childEnvironment(variables: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const parent = readProcessEnvironment();
  return { PATH: parent['PATH'], HOME: parent['HOME'], ...variables };
}
