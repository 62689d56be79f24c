export { ConnectorsModule } from './connectors.module';
export {
  ConnectorsService,
  type ConnectorInput,
  type ConnectorListQuery,
  type ConnectorsOptions,
  type ConnectorTlsInput,
  type ConnectorView,
} from './connectors.service';
export {
  classifyAddress,
  ENGINE_UNREACHABLE,
  isDialableEngineAddress,
  isInternalAddress,
  resolveEngineAddress,
  type AddressClass,
} from './engine-address';
