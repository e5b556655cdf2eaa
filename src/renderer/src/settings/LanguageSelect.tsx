import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useLanguage, useT } from '../i18n/i18n-context';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../i18n/languages';
import { useWorkspace } from '../workspace/workspace-context';

export function LanguageSelect() {
  const t = useT();
  const [language, setLanguage] = useLanguage();
  // Kept in the workspace too, so the next launch starts in the language picked here.
  const persistLanguage = useWorkspace((state) => state.setLanguage);
  return (
    <TextField
      select
      label={t('settings.language')}
      value={language}
      onChange={(event) => {
        if (!isLanguage(event.target.value)) return;
        setLanguage(event.target.value);
        persistLanguage(event.target.value);
      }}
      sx={{ minWidth: 120 }}
    >
      {LANGUAGES.map((code) => (
        <MenuItem key={code} value={code} lang={code}>
          {LANGUAGE_NAMES[code]}
        </MenuItem>
      ))}
    </TextField>
  );
}
