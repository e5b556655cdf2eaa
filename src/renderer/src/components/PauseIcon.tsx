import SvgIcon, { type SvgIconProps } from '@mui/material/SvgIcon';

/** Two bars, for pausing; drawn, not a glyph, since fonts without ⏸ show an empty box. */
export function PauseIcon(props: SvgIconProps) {
  return (
    <SvgIcon fontSize="small" {...props}>
      <path d="M6 19h4V5H6v14zm8-14v14h4V5h-4z" />
    </SvgIcon>
  );
}
