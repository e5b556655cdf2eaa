import { enUS, zhCN } from '@mui/material/locale';
import { createTheme, type Theme } from '@mui/material/styles';
import type { Language } from './i18n/languages';

/** Bytes need fixed-width glyphs so hex columns line up; CJK fallback keeps Chinese text aligned too. */
export const MONO_FONT =
  'ui-monospace, "SF Mono", "Cascadia Mono", "JetBrains Mono", Menlo, Consolas, "Liberation Mono", "Noto Sans Mono CJK SC", monospace';

export type ColorMode = 'light' | 'dark';

// MUI's built-in words (an Alert's close button, an Autocomplete's "No options") follow the app language.
const MUI_LOCALES = { en: enUS, 'zh-CN': zhCN } as const satisfies Record<Language, unknown>;

/** Dense by default: an inspector shows many small things at once. */
export function createAppTheme(mode: ColorMode, language: Language): Theme {
  return createTheme(
    {
      palette: { mode },
      typography: { fontSize: 13 },
      spacing: 6,
      components: {
        MuiButton: { defaultProps: { size: 'small' } },
        MuiIconButton: { defaultProps: { size: 'small' } },
        MuiTextField: { defaultProps: { size: 'small' } },
        MuiFormControl: { defaultProps: { size: 'small' } },
        MuiSelect: { defaultProps: { size: 'small' } },
        MuiToggleButtonGroup: { defaultProps: { size: 'small' } },
        MuiToolbar: { defaultProps: { variant: 'dense' } },
        MuiList: { defaultProps: { dense: true } },
        MuiTable: { defaultProps: { size: 'small' } },
        MuiMenuItem: { defaultProps: { dense: true } },
        MuiAlert: { styleOverrides: { root: { alignItems: 'flex-start' } } },
        // MUI marks keyboard focus with a faint ripple only; a text button's is hard to see at all.
        MuiButtonBase: {
          styleOverrides: {
            root: ({ theme }) => ({
              '&.Mui-focusVisible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
            }),
          },
        },
      },
    },
    MUI_LOCALES[language],
  );
}
