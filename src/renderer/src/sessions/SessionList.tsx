import { useId } from 'react';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { useSessionIds } from '../store/stable-views';
import { useInspector } from '../store/store-context';
import { SessionListItem } from './SessionListItem';
import { SidebarHeading } from '../components/SidebarHeading';

export function SessionList() {
  const t = useT();
  const headingId = useId();
  const list = useSessionIds();
  const selectedId = useInspector((state) => state.selectedId);

  return (
    <Box component="section" aria-labelledby={headingId}>
      <SidebarHeading id={headingId}>{t('sessions.heading', { count: list.length })}</SidebarHeading>
      {list.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, pb: 1 }}>
          {t('sessions.none')}
        </Typography>
      ) : (
        <List aria-label={t('sessions.list')} disablePadding>
          {list.map((sessionId) => (
            <SessionListItem key={sessionId} sessionId={sessionId} selected={sessionId === selectedId} />
          ))}
        </List>
      )}
    </Box>
  );
}
