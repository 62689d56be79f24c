export { GeoLocator, type GeoPosition } from './geo-locator';
export { GeoIpModule } from './geoip.module';
