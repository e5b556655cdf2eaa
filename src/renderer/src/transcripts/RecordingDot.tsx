import Box from '@mui/material/Box';

/** The red dot recorders have always shown; words beside it carry the meaning for everyone else. */
export function RecordingDot({ active }: { active: boolean }) {
  return (
    <Box
      component="span"
      aria-hidden="true"
      sx={{
        display: 'inline-block',
        flex: 'none',
        width: 10,
        height: 10,
        borderRadius: '50%',
        bgcolor: active ? 'error.main' : 'action.disabled',
      }}
    />
  );
}
