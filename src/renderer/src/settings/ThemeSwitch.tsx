import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import { useT } from '../i18n/i18n-context';
import { useThemeMode } from './theme-mode';

export function ThemeSwitch() {
  const t = useT();
  const { mode, setMode } = useThemeMode();
  return (
    <FormControlLabel
      control={<Switch checked={mode === 'dark'} onChange={(event) => setMode(event.target.checked ? 'dark' : 'light')} />}
      label={t('settings.darkTheme')}
    />
  );
}
