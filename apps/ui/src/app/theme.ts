import { createTheme, type CSSVariablesResolver, localStorageColorSchemeManager } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 8 keeps white button text and indigo links above WCAG AA contrast in both schemes (axe checks it).
  primaryShade: { light: 8, dark: 8 },
  // The focus ring shows for keyboard users on every control, not only on hover-less devices.
  focusRing: 'always',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'fleetgate.color-scheme' });

/** Dimmed text one step darker (lighter in dark mode) than Mantine's default, for AA contrast on every surface. */
export const cssVariablesResolver: CSSVariablesResolver = (currentTheme) => ({
  variables: {},
  light: { '--mantine-color-dimmed': currentTheme.colors.gray[7] },
  dark: { '--mantine-color-dimmed': currentTheme.colors.dark[1] },
});
