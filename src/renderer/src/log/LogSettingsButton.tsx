import { memo, useState } from 'react';
import Button from '@mui/material/Button';
import Popover from '@mui/material/Popover';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useT } from '../i18n/i18n-context';
import { MAX_LOG_LIMIT, MIN_LOG_LIMIT } from '../store/log-prefs';
import { useInspector } from '../store/store-context';

/** The retained-entries limit: applied on "Apply", since lowering it drops entries at once. */
export const LogSettingsButton = memo(function LogSettingsButton() {
  const t = useT();
  const limit = useInspector((state) => state.logLimit);
  const setLogLimit = useInspector((state) => state.setLogLimit);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [text, setText] = useState('');
  const value = Number(text);
  const valid = /^\d+$/.test(text) && value >= MIN_LOG_LIMIT && value <= MAX_LOG_LIMIT;

  return (
    <>
      <Button
        aria-haspopup="dialog"
        onClick={(event) => {
          setText(String(limit));
          setAnchor(event.currentTarget);
        }}
      >
        {t('log.settings')}
      </Button>
      <Popover
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
      >
        <Stack
          component="form"
          role="dialog"
          aria-label={t('log.settings')}
          direction="row"
          spacing={1}
          sx={{ p: 1.5, alignItems: 'flex-start' }}
          onSubmit={(event) => {
            event.preventDefault();
            if (!valid) return;
            setLogLimit(value);
            setAnchor(null);
          }}
        >
          <TextField
            autoFocus
            label={t('log.settings.limit')}
            value={text}
            onChange={(event) => setText(event.target.value.trim())}
            error={!valid}
            helperText={t('log.settings.limitHelp', { min: MIN_LOG_LIMIT, max: MAX_LOG_LIMIT })}
            slotProps={{ htmlInput: { inputMode: 'numeric' } }}
            sx={{ width: 220 }}
          />
          <Button type="submit" variant="contained" disabled={!valid}>
            {t('log.settings.apply')}
          </Button>
        </Stack>
      </Popover>
    </>
  );
});
