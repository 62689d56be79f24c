export { SessionsModule } from './sessions.module';
export {
  SessionsService,
  sessionSortFields,
  type SessionCreateRequest,
  type SessionListQuery,
  type SessionSortField,
  type SessionsOptions,
} from './sessions.service';
export { GatewayCallsService } from './gateway-calls.service';
export { toSessionView, type SessionView } from './session.view';
export { SessionExpiryService } from './session-expiry.service';
