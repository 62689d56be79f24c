import { isIP } from 'node:net';
import { type CityResponse, open, type Reader } from 'maxmind';

export interface GeoPosition {
  latitude: number;
  longitude: number;
}

/**
 * Positions of client addresses from a GeoLite2-City database. A missing or broken database, or an address it does
 * not know, gives no position: geolocation never fails a registration or a login (ShellHub's did, with a 500).
 */
export class GeoLocator {
  private constructor(private readonly reader: Reader<CityResponse> | null) {}

  static disabled(): GeoLocator {
    return new GeoLocator(null);
  }

  /** Opens the database; on any problem returns a locator that finds nothing and reports why through `onProblem`. */
  static async open(path: string | undefined, onProblem: (message: string) => void): Promise<GeoLocator> {
    if (!path) return GeoLocator.disabled();
    try {
      return new GeoLocator(await open<CityResponse>(path, { watchForUpdates: false }));
    } catch (error) {
      onProblem(`GeoIP database ${path} cannot be read (${error instanceof Error ? error.message : String(error)}); positions are off`);
      return GeoLocator.disabled();
    }
  }

  get enabled(): boolean {
    return this.reader !== null;
  }

  locate(address: string): GeoPosition | null {
    if (!this.reader) return null;
    const ip = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    if (isIP(ip) === 0) return null;
    try {
      const location = this.reader.get(ip)?.location;
      return location ? { latitude: location.latitude, longitude: location.longitude } : null;
    } catch {
      return null;
    }
  }
}
