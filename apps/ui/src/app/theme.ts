import { createTheme, localStorageColorSchemeManager } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // The focus ring shows for keyboard users on every control, not only on hover-less devices.
  focusRing: 'always',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'fleetgate.color-scheme' });
