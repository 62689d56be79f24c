import type { TenantScope } from '@fleetgate/data-access';

/**
 * How the relay hands a session's traffic to recording, whatever records it (`@fleetgate/recordings` wires the
 * real one in the ssh app). The relay awaits what `output`/`input` return before it passes the next bytes on: that
 * is the backpressure a slow recording store exerts on the device, through SSH flow control.
 */
export interface ChannelRecording {
  /** Bytes the person's terminal is about to receive. */
  output(data: Buffer): Promise<void> | void;
  /** Bytes the person typed; ignored unless the namespace records input. */
  input(data: Buffer): Promise<void> | void;
  resize(cols: number, rows: number): void;
}

export interface SessionRecorder {
  /** Starts recording a channel of the session; null when this kind of channel is not recorded. */
  channel(kind: 'shell' | 'exec' | 'subsystem', terminal: { cols: number; rows: number } | null): ChannelRecording | null;
  /** The person left: flush what is left and seal the recording. */
  close(): void;
}

export interface SessionRecordingRequest {
  sessionUid: string;
  scope: TenantScope;
  /** Ends the person's session with this message: recording cannot go on and frames may not be dropped. */
  fail(message: string): void;
}

/** Decides from the namespace's settings whether the session is recorded, and starts its recorder if so. */
export interface SessionRecorderFactory {
  open(request: SessionRecordingRequest): Promise<SessionRecorder | null>;
}
