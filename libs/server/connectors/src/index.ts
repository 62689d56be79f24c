export { ConnectorsModule } from './connectors.module';
export {
  ConnectorsService,
  type ConnectorInput,
  type ConnectorListQuery,
  type ConnectorsOptions,
  type ConnectorTlsInput,
  type ConnectorView,
} from './connectors.service';
export { isInternalAddress, resolveEngineAddress } from './engine-address';
