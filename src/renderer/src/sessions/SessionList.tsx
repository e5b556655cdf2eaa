import { useMemo } from 'react';
import List from '@mui/material/List';
import Typography from '@mui/material/Typography';
import { useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import { SessionListItem } from './SessionListItem';

export function SessionList() {
  const t = useT();
  const sessions = useInspector((state) => state.sessions);
  const selectedId = useInspector((state) => state.selectedId);
  const list = useMemo(() => [...sessions.values()], [sessions]);

  if (list.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1.5, py: 1 }}>
        {t('sessions.none')}
      </Typography>
    );
  }
  return (
    <List aria-label={t('sessions.list')} disablePadding>
      {list.map((session) => (
        <SessionListItem key={session.id} session={session} selected={session.id === selectedId} />
      ))}
    </List>
  );
}
