import type { ModelDefinition } from '@nestjs/mongoose';
import { DEVICE_MODEL, deviceSchema } from './schemas/device.schema';
import { NAMESPACE_MODEL, namespaceSchema } from './schemas/namespace.schema';
import { USER_MODEL, userSchema } from './schemas/user.schema';
import { MEMBERSHIP_MODEL, membershipSchema } from './schemas/membership.schema';
import { PUBLIC_KEY_MODEL, publicKeySchema } from './schemas/public-key.schema';
import { FIREWALL_RULE_MODEL, firewallRuleSchema } from './schemas/firewall-rule.schema';
import { ANNOUNCEMENT_MODEL, announcementSchema } from './schemas/announcement.schema';
import { CONNECTOR_MODEL, connectorSchema } from './schemas/connector.schema';
import { API_KEY_MODEL, apiKeySchema } from './schemas/api-key.schema';

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
];
