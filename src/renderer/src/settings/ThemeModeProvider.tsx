import { useMemo, type ReactNode } from 'react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useLanguage } from '../i18n/i18n-context';
import { createAppTheme, type ColorMode } from '../theme';
import { useWorkspace } from '../workspace/workspace-context';

/** Light or dark as the workspace says: pinned by the user, or following the OS ("system"). */
export function ThemeModeProvider({ children }: { children: ReactNode }) {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const choice = useWorkspace((state) => state.theme);
  const mode: ColorMode = choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
  const [language] = useLanguage();
  const theme = useMemo(() => createAppTheme(mode, language), [mode, language]);

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline enableColorScheme />
      {children}
    </ThemeProvider>
  );
}
