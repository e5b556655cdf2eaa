import type { ReactNode } from 'react';
import Typography from '@mui/material/Typography';

/** The heading of a sidebar section (sessions, transcripts, saved sessions), labelling it by id. */
export function SidebarHeading({ id, children }: { id: string; children: ReactNode }) {
  return (
    <Typography id={id} variant="overline" component="h2" color="text.secondary" sx={{ px: 1.5, display: 'block', lineHeight: 2.5 }}>
      {children}
    </Typography>
  );
}
