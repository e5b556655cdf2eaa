import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { EMPTY_LOG } from '../store/apply-batch';
import { useInspector } from '../store/store-context';
import { LogList } from './LogList';

export function LogPanel({ sessionId }: { sessionId: string }) {
  const t = useT();
  const log = useInspector((state) => state.logs.get(sessionId) ?? EMPTY_LOG);
  const view = useInspector((state) => state.logView);
  const setLogView = useInspector((state) => state.setLogView);
  const clearLog = useInspector((state) => state.clearLog);

  return (
    <Box component="section" aria-label={t('log.title')} sx={{ flex: 1, minHeight: 160, display: 'flex', flexDirection: 'column' }}>
      <Stack direction="row" spacing={1} sx={{ px: 1.5, py: 0.5, alignItems: 'center', borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="subtitle2" component="h3">
          {t('log.title')}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {t('log.count', { count: log.entries.length })}
        </Typography>
        {log.dropped > 0 ? (
          <Typography variant="caption" color="warning.main">
            {t('log.dropped', { count: log.dropped })}
          </Typography>
        ) : null}
        <Box sx={{ flex: 1 }} />
        <ToggleButtonGroup
          exclusive
          aria-label={t('log.view')}
          value={view}
          onChange={(_event, next: unknown) => {
            if (next === 'text' || next === 'hex') setLogView(next);
          }}
        >
          <ToggleButton value="text">{t('log.text')}</ToggleButton>
          <ToggleButton value="hex">{t('log.hex')}</ToggleButton>
        </ToggleButtonGroup>
        <Button aria-label={t('log.clearLabel')} disabled={log.entries.length === 0 && log.dropped === 0} onClick={() => clearLog(sessionId)}>
          {t('log.clear')}
        </Button>
      </Stack>
      <Box sx={{ flex: 1, minHeight: 0 }}>
        {log.entries.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 1 }}>
            {t('log.empty')}
          </Typography>
        ) : (
          <LogList entries={log.entries} view={view} label={t('log.list')} />
        )}
      </Box>
    </Box>
  );
}
