import { Badge, Button, Group, SegmentedControl, Slider, Stack, Text } from '@mantine/core';
import { formatClock } from '../session-format';
import type { AsciicastSummary } from '../asciicast-timeline';

export const playbackSpeeds = ['0.5', '1', '2', '4'] as const;

interface PlayerControlsProps {
  playing: boolean;
  /** Seconds from the start. */
  time: number;
  duration: number;
  speed: number;
  sizes: AsciicastSummary['sizes'];
  onPlay: () => void;
  onPause: () => void;
  onSeek: (seconds: number) => void;
  onSpeed: (speed: number) => void;
}

/** Play, pause, speed, seek, and the terminal's size changes as marks that seek to them. */
export function PlayerControls({ playing, time, duration, speed, sizes, onPlay, onPause, onSeek, onSpeed }: PlayerControlsProps) {
  const length = Math.max(duration, 0.001);
  return (
    <Stack gap="xs">
      <Group gap="sm" wrap="wrap">
        {playing ? (
          <Button size="xs" onClick={onPause}>
            Pause
          </Button>
        ) : (
          <Button size="xs" onClick={onPlay}>
            Play
          </Button>
        )}
        <Text size="sm" ff="monospace" aria-live="off" data-testid="player-clock">
          {formatClock(time)} / {formatClock(duration)}
        </Text>
        <SegmentedControl
          size="xs"
          aria-label="Playback speed"
          value={String(speed)}
          onChange={(value) => onSpeed(Number(value))}
          data={playbackSpeeds.map((value) => ({ value, label: `${value}×` }))}
        />
      </Group>
      <Slider
        thumbLabel="Position in the recording"
        min={0}
        max={length}
        step={0.1}
        value={Math.min(time, length)}
        onChange={onSeek}
        label={(value) => formatClock(value)}
        marks={sizes.slice(1).map((size) => ({ value: size.time }))}
      />
      <Group gap={6} aria-label="Terminal sizes" role="group">
        <Text size="xs" c="dimmed">
          Terminal size:
        </Text>
        {sizes.map((size) => (
          <Badge
            key={`${size.time}-${size.cols}x${size.rows}`}
            component="button"
            type="button"
            variant="light"
            style={{ cursor: 'pointer' }}
            onClick={() => onSeek(size.time)}
            aria-label={`Go to ${formatClock(size.time)}: ${size.cols} by ${size.rows}`}
          >
            {formatClock(size.time)} {size.cols}×{size.rows}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}
