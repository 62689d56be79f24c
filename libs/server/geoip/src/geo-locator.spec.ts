import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@fleetgate/testing';
import { GeoLocator } from './geo-locator';

const testDatabase = join(workspaceRoot(), 'libs/server/geoip/src/__fixtures__/GeoLite2-City-Test.mmdb');

describe('GeoLocator with MaxMind’s test database', () => {
  it('places known addresses', async () => {
    const locator = await GeoLocator.open(testDatabase, (problem) => {
      throw new Error(problem);
    });
    expect(locator.locate('81.2.69.142')).toEqual({ latitude: 51.5142, longitude: -0.0931 });
    expect(locator.locate('::ffff:89.160.20.112')).toEqual({ latitude: 58.4167, longitude: 15.6167 });
  });

  it('gives no position for unknown or malformed addresses', async () => {
    const locator = await GeoLocator.open(testDatabase, () => undefined);
    expect(locator.locate('127.0.0.1')).toBeNull();
    expect(locator.locate('not an address')).toBeNull();
    expect(locator.locate('')).toBeNull();
  });

  it('turns itself off, saying why, when the database is missing or broken', async () => {
    const problems: string[] = [];
    const missing = await GeoLocator.open('/nonexistent/GeoLite2-City.mmdb', (problem) => problems.push(problem));
    const brokenPath = join(mkdtempSync(join(tmpdir(), 'geoip-')), 'broken.mmdb');
    writeFileSync(brokenPath, 'not a maxmind database');
    const broken = await GeoLocator.open(brokenPath, (problem) => problems.push(problem));
    expect([missing.enabled, broken.enabled]).toEqual([false, false]);
    expect(missing.locate('81.2.69.142')).toBeNull();
    expect(problems).toHaveLength(2);
    expect((await GeoLocator.open(undefined, (problem) => problems.push(problem))).enabled).toBe(false);
  });
});
