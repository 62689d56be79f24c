import type { ModelDefinition } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { DEVICE_MODEL, type DeviceDocument, deviceSchema } from './schemas/device.schema';
import { NAMESPACE_MODEL, type NamespaceDocument, namespaceSchema } from './schemas/namespace.schema';
import { USER_MODEL, type UserDocument, userSchema } from './schemas/user.schema';
import { MEMBERSHIP_MODEL, type MembershipDocument, membershipSchema } from './schemas/membership.schema';
import { PUBLIC_KEY_MODEL, type PublicKeyDocument, publicKeySchema } from './schemas/public-key.schema';
import { FIREWALL_RULE_MODEL, type FirewallRuleDocument, firewallRuleSchema } from './schemas/firewall-rule.schema';
import { ANNOUNCEMENT_MODEL, type AnnouncementDocument, announcementSchema } from './schemas/announcement.schema';
import { CONNECTOR_MODEL, type ConnectorDocument, connectorSchema } from './schemas/connector.schema';
import { API_KEY_MODEL, type ApiKeyDocument, apiKeySchema } from './schemas/api-key.schema';
import { BILLING_EVENT_MODEL, type BillingEventDocument, billingEventSchema } from './schemas/billing-event.schema';
import { SESSION_MODEL, type SessionDocument, sessionSchema } from './schemas/session.schema';
import { RECORDING_CHUNK_MODEL, type RecordingChunkDocument, recordingChunkSchema } from './schemas/recording-chunk.schema';
import {
  RECORDING_SIGNATURE_MODEL,
  type RecordingSignatureDocument,
  recordingSignatureSchema,
} from './schemas/recording-signature.schema';
import { AUDIT_EVENT_MODEL, type AuditEventDocument, auditEventSchema } from './schemas/audit-event.schema';
import {
  GATEWAY_HOST_KEY_MODEL,
  type GatewayHostKeyDocument,
  gatewayHostKeySchema,
} from './schemas/gateway-host-key.schema';
import { CHANNEL_POLICY_MODEL, type ChannelPolicyDocument, channelPolicySchema } from './schemas/channel-policy.schema';
import {
  AUTHENTICATION_POLICY_MODEL,
  type AuthenticationPolicyDocument,
  authenticationPolicySchema,
} from './schemas/authentication-policy.schema';
import { GATEWAY_SETTINGS_MODEL, type GatewaySettingsDocument, gatewaySettingsSchema } from './schemas/gateway-settings.schema';

// Internal to the lib: the model names are the injection tokens of the raw models, so they never leave it.
export const modelDefinitions: ModelDefinition[] = [
  { name: USER_MODEL, schema: userSchema },
  { name: NAMESPACE_MODEL, schema: namespaceSchema },
  { name: DEVICE_MODEL, schema: deviceSchema },
  { name: MEMBERSHIP_MODEL, schema: membershipSchema },
  { name: PUBLIC_KEY_MODEL, schema: publicKeySchema },
  { name: FIREWALL_RULE_MODEL, schema: firewallRuleSchema },
  { name: ANNOUNCEMENT_MODEL, schema: announcementSchema },
  { name: CONNECTOR_MODEL, schema: connectorSchema },
  { name: API_KEY_MODEL, schema: apiKeySchema },
  { name: BILLING_EVENT_MODEL, schema: billingEventSchema },
  { name: SESSION_MODEL, schema: sessionSchema },
  { name: RECORDING_CHUNK_MODEL, schema: recordingChunkSchema },
  { name: RECORDING_SIGNATURE_MODEL, schema: recordingSignatureSchema },
  { name: AUDIT_EVENT_MODEL, schema: auditEventSchema },
  { name: GATEWAY_HOST_KEY_MODEL, schema: gatewayHostKeySchema },
  { name: CHANNEL_POLICY_MODEL, schema: channelPolicySchema },
  { name: AUTHENTICATION_POLICY_MODEL, schema: authenticationPolicySchema },
  { name: GATEWAY_SETTINGS_MODEL, schema: gatewaySettingsSchema },
];

/** Every collection's raw model on one connection, by collection. */
export interface RawModels {
  users: Model<UserDocument>;
  namespaces: Model<NamespaceDocument>;
  devices: Model<DeviceDocument>;
  memberships: Model<MembershipDocument>;
  publicKeys: Model<PublicKeyDocument>;
  firewallRules: Model<FirewallRuleDocument>;
  announcements: Model<AnnouncementDocument>;
  connectors: Model<ConnectorDocument>;
  apiKeys: Model<ApiKeyDocument>;
  billingEvents: Model<BillingEventDocument>;
  sessions: Model<SessionDocument>;
  recordingChunks: Model<RecordingChunkDocument>;
  recordingSignatures: Model<RecordingSignatureDocument>;
  auditEvents: Model<AuditEventDocument>;
  gatewayHostKeys: Model<GatewayHostKeyDocument>;
  channelPolicies: Model<ChannelPolicyDocument>;
  authenticationPolicies: Model<AuthenticationPolicyDocument>;
  gatewaySettings: Model<GatewaySettingsDocument>;
}

/**
 * Registers every model on a connection the caller opened itself and returns them. It exists for the testing lib,
 * which arranges and inspects documents behind the repositories' backs; application code never holds a connection
 * (lint bans mongoose outside data-access, queue and testing), so it cannot reach a raw model through this.
 */
export function registerModels(connection: Connection): RawModels {
  for (const definition of modelDefinitions) {
    if (!connection.models[definition.name]) connection.model(definition.name, definition.schema);
  }
  return {
    users: connection.model<UserDocument>(USER_MODEL),
    namespaces: connection.model<NamespaceDocument>(NAMESPACE_MODEL),
    devices: connection.model<DeviceDocument>(DEVICE_MODEL),
    memberships: connection.model<MembershipDocument>(MEMBERSHIP_MODEL),
    publicKeys: connection.model<PublicKeyDocument>(PUBLIC_KEY_MODEL),
    firewallRules: connection.model<FirewallRuleDocument>(FIREWALL_RULE_MODEL),
    announcements: connection.model<AnnouncementDocument>(ANNOUNCEMENT_MODEL),
    connectors: connection.model<ConnectorDocument>(CONNECTOR_MODEL),
    apiKeys: connection.model<ApiKeyDocument>(API_KEY_MODEL),
    billingEvents: connection.model<BillingEventDocument>(BILLING_EVENT_MODEL),
    sessions: connection.model<SessionDocument>(SESSION_MODEL),
    recordingChunks: connection.model<RecordingChunkDocument>(RECORDING_CHUNK_MODEL),
    recordingSignatures: connection.model<RecordingSignatureDocument>(RECORDING_SIGNATURE_MODEL),
    auditEvents: connection.model<AuditEventDocument>(AUDIT_EVENT_MODEL),
    gatewayHostKeys: connection.model<GatewayHostKeyDocument>(GATEWAY_HOST_KEY_MODEL),
    channelPolicies: connection.model<ChannelPolicyDocument>(CHANNEL_POLICY_MODEL),
    authenticationPolicies: connection.model<AuthenticationPolicyDocument>(AUTHENTICATION_POLICY_MODEL),
    gatewaySettings: connection.model<GatewaySettingsDocument>(GATEWAY_SETTINGS_MODEL),
  };
}
