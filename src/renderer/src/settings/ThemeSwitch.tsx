import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { useT } from '../i18n/i18n-context';
import { useWorkspace } from '../workspace/workspace-context';
import { THEME_CHOICES, type ThemeChoice } from '../workspace/workspace-store';

/** System follows the OS light/dark setting; light and dark pin one. */
export function ThemeSwitch() {
  const t = useT();
  const theme = useWorkspace((state) => state.theme);
  const setTheme = useWorkspace((state) => state.setTheme);
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      aria-label={t('workspace.theme')}
      value={theme}
      onChange={(_event, value: ThemeChoice | null) => {
        if (value) setTheme(value);
      }}
    >
      {THEME_CHOICES.map((choice) => (
        <ToggleButton key={choice} value={choice} sx={{ py: 0.25, px: 1, textTransform: 'none' }}>
          {t(`workspace.theme.${choice}`)}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
