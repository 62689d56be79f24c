export { DevicesModule } from './devices.module';
export { DEVICES_OPTIONS, type DevicesOptions } from './devices.options';
export { deviceUid, type DeviceUidSource } from './device-uid';
export {
  DeviceRegistrationService,
  type DeviceAuthRequest,
  type DeviceAuthResponse,
} from './device-registration.service';
export {
  CONNECTOR_PLATFORM,
  DevicesService,
  deviceSortFields,
  type DeviceKind,
  type DeviceReach,
  deviceStatusActions,
  type DeviceListQuery,
  type DeviceStats,
  MAX_TAGS,
  type DeviceSortField,
  type DeviceStatusAction,
} from './devices.service';
export { toDeviceView, type DeviceView } from './device.view';
export { TerminalTicketsService, type TerminalTicketView } from './terminal-tickets.service';
