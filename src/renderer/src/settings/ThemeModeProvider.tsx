import { useMemo, useState, type ReactNode } from 'react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useLanguage } from '../i18n/i18n-context';
import { createAppTheme, type ColorMode } from '../theme';
import { ThemeModeContext, type ThemeModeValue } from './theme-mode';

/** Follows the OS light/dark preference until the user picks one with the switch. */
export function ThemeModeProvider({ children }: { children: ReactNode }) {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const [chosen, setChosen] = useState<ColorMode | undefined>(undefined);
  const mode: ColorMode = chosen ?? (prefersDark ? 'dark' : 'light');
  const [language] = useLanguage();
  const theme = useMemo(() => createAppTheme(mode, language), [mode, language]);
  const value = useMemo<ThemeModeValue>(() => ({ mode, setMode: setChosen }), [mode]);

  return (
    <ThemeModeContext.Provider value={value}>
      <ThemeProvider theme={theme}>
        <CssBaseline enableColorScheme />
        {children}
      </ThemeProvider>
    </ThemeModeContext.Provider>
  );
}
