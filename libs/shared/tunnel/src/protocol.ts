import { z } from 'zod';

/**
 * The reverse tunnel between an agent and the gateway (docs/adr/0002-reverse-tunnel.md):
 * one control WebSocket per agent, and one fresh "pickup" WebSocket per SSH session, which the agent opens
 * when the gateway asks for it. Each pickup is its own TCP connection, so TCP flow control keeps a bulk copy in
 * one session from stalling another, and nothing has to multiplex streams by hand.
 */
export const TUNNEL_CONTROL_PATH = '/agent/tunnel';
export const TUNNEL_PICKUP_PATH = '/agent/pickup';

/**
 * The gateway pings each tunnel this often and gives it up after this many unanswered pings in a row, so one late
 * pong never drops a healthy tunnel and a dead one is still noticed within 40 s. The `hello` message tells the agent
 * the resulting `deadAfterSeconds`.
 */
export const DEFAULT_PING_SECONDS = 10;
export const DEFAULT_MISSED_PINGS = 3;
export const DEFAULT_DEAD_AFTER_SECONDS = DEFAULT_PING_SECONDS * DEFAULT_MISSED_PINGS;
/** The device's heartbeat: how often a live tunnel refreshes the device's `last_seen`, whatever the ping pace. */
export const LAST_SEEN_INTERVAL_SECONDS = 30;
/** How long a requested pickup may take before the session attempt fails. */
export const PICKUP_TIMEOUT_MS = 20_000;

const pickupId = z.string().regex(/^[0-9a-f]{32}$/);
/** A ws:// or wss:// origin with an optional path prefix, no query: the agent appends `/agent/pickup/<id>`. */
export const pickupBaseUrl = z
  .string()
  .max(500)
  .regex(/^wss?:\/\/[^\s?#]+$/);

export const gatewayMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    /** PEM public key that verifies session assertions. */
    assertionKey: z.string().min(1),
    pingSeconds: z.number().positive(),
    deadAfterSeconds: z.number().positive(),
  }),
  z.object({
    type: z.literal('open'),
    id: pickupId,
    /**
     * The ws(s) base URL of the gateway process that waits for this pickup. Several gateway processes share the
     * agents' public address, so the agent must dial the one that asked, which may not be the one holding its control
     * tunnel (docs/adr/0002-reverse-tunnel.md, "Several gateway processes"). Absent: the agent's tunnel URL.
     */
    url: pickupBaseUrl.optional(),
  }),
]);

export const agentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pickup-failed'), id: pickupId, reason: z.string().max(500) }),
]);

export type GatewayMessage = z.infer<typeof gatewayMessageSchema>;
export type AgentMessage = z.infer<typeof agentMessageSchema>;

/** Parses one control message; unknown or malformed messages give null and are ignored by both sides. */
export function parseMessage<T>(schema: z.ZodType<T>, data: unknown): T | null {
  try {
    const result = schema.safeParse(JSON.parse(String(data)));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export function pickupPath(id: string): string {
  return `${TUNNEL_PICKUP_PATH}/${id}`;
}

/** The http(s) server address an agent is configured with, turned into the ws(s) tunnel base. */
export function toWebSocketUrl(address: string): string {
  return address.replace(/^http(s?):\/\//, 'ws$1://').replace(/\/+$/, '');
}
