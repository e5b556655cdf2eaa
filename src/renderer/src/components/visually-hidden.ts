import type { SxProps, Theme } from '@mui/material/styles';

/**
 * Read by screen readers, not drawn: for words that a glyph or a compact line stands for.
 * Sizes are strings because sx reads the number 1 as 100% and margins as theme spacing.
 */
export const visuallyHidden: SxProps<Theme> = {
  position: 'absolute',
  width: '1px',
  height: '1px',
  padding: 0,
  margin: '-1px',
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};
