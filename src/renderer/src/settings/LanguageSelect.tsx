import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useLanguage, useT } from '../i18n/i18n-context';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../i18n/languages';

export function LanguageSelect() {
  const t = useT();
  const [language, setLanguage] = useLanguage();
  return (
    <TextField
      select
      label={t('settings.language')}
      value={language}
      onChange={(event) => {
        if (isLanguage(event.target.value)) setLanguage(event.target.value);
      }}
      sx={{ minWidth: 130 }}
    >
      {LANGUAGES.map((code) => (
        <MenuItem key={code} value={code} lang={code}>
          {LANGUAGE_NAMES[code]}
        </MenuItem>
      ))}
    </TextField>
  );
}
