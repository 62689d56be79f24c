import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { PlayerControls } from './player-controls';

// jsdom has neither matchMedia (Mantine's colour scheme) nor ResizeObserver (SegmentedControl's indicator).
beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe = () => undefined;
    unobserve = () => undefined;
    disconnect = () => undefined;
  };
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
});

const sizes = [
  { time: 0, cols: 80, rows: 24 },
  { time: 75, cols: 120, rows: 40 },
];

function renderControls(playing: boolean) {
  const handlers = { onPlay: vi.fn(), onPause: vi.fn(), onSeek: vi.fn(), onSpeed: vi.fn() };
  render(
    <MantineProvider>
      <PlayerControls playing={playing} time={12.4} duration={130} speed={1} sizes={sizes} {...handlers} />
    </MantineProvider>,
  );
  return handlers;
}

describe('PlayerControls', () => {
  it('plays, and shows where it is of how long', () => {
    const handlers = renderControls(false);
    expect(screen.getByTestId('player-clock').textContent).toBe('0:12 / 2:10');
    fireEvent.click(screen.getByRole('button', { name: 'Play' }));
    expect(handlers.onPlay).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
  });

  it('pauses while playing', () => {
    const handlers = renderControls(true);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(handlers.onPause).toHaveBeenCalledTimes(1);
  });

  it('changes the speed', () => {
    const handlers = renderControls(false);
    fireEvent.click(screen.getByText('2×'));
    expect(handlers.onSpeed).toHaveBeenCalledWith(2);
  });

  it('lists each terminal size, and seeks to the moment it changed', () => {
    const handlers = renderControls(false);
    fireEvent.click(screen.getByRole('button', { name: 'Go to 1:15: 120 by 40' }));
    expect(handlers.onSeek).toHaveBeenCalledWith(75);
    expect(screen.getByRole('button', { name: 'Go to 0:00: 80 by 24' })).toBeTruthy();
  });

  it('seeks from the keyboard on the position slider', () => {
    const handlers = renderControls(false);
    const slider = screen.getByRole('slider', { name: 'Position in the recording' });
    fireEvent.keyDown(slider, { key: 'End' });
    expect(handlers.onSeek).toHaveBeenCalledWith(130);
  });
});
