import { Box, Stack } from '@mantine/core';
import { create, type Player } from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { useEffect, useRef, useState } from 'react';
import type { AsciicastSummary } from '../asciicast-timeline';
import { PlayerControls } from './player-controls';

interface RecordingPlayerProps {
  cast: string;
  summary: AsciicastSummary;
}

/**
 * asciinema-player fed with the API's asciicast file, driven by our own controls (keyboard-reachable Mantine inputs).
 * The player takes its speed when it is created, so a new speed makes a new player at the same position.
 */
export function RecordingPlayer({ cast, summary }: RecordingPlayerProps) {
  const container = useRef<HTMLDivElement>(null);
  const player = useRef<Player | null>(null);
  const [speed, setSpeed] = useState(1);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const resume = useRef({ at: 0, play: false });

  useEffect(() => {
    if (!container.current) return undefined;
    const created = create({ data: cast }, container.current, {
      cols: summary.cols,
      rows: summary.rows,
      speed,
      fit: 'width',
      controls: false,
      startAt: resume.current.at,
      preload: true,
      terminalFontFamily: 'ui-monospace, Menlo, Consolas, monospace',
    });
    player.current = created;
    created.addEventListener('play', () => setPlaying(true));
    created.addEventListener('playing', () => setPlaying(true));
    created.addEventListener('pause', () => setPlaying(false));
    created.addEventListener('ended', () => {
      setPlaying(false);
      setTime(summary.duration);
    });
    if (resume.current.play) void created.play();
    const clock = setInterval(() => setTime(created.getCurrentTime()), 250);
    return () => {
      clearInterval(clock);
      created.dispose();
      player.current = null;
    };
  }, [cast, summary.cols, summary.rows, summary.duration, speed]);

  const changeSpeed = (next: number) => {
    resume.current = { at: player.current?.getCurrentTime() ?? time, play: playing };
    setSpeed(next);
  };

  return (
    <Stack gap="sm">
      <Box ref={container} data-testid="recording-player" style={{ position: 'relative', minWidth: 0, maxWidth: '100%', overflow: 'hidden', borderRadius: 4 }} />
      <PlayerControls
        playing={playing}
        time={time}
        duration={summary.duration}
        speed={speed}
        sizes={summary.sizes}
        onPlay={() => void player.current?.play()}
        onPause={() => void player.current?.pause()}
        onSeek={(seconds) => {
          setTime(seconds);
          void player.current?.seek(seconds);
        }}
        onSpeed={changeSpeed}
      />
    </Stack>
  );
}
