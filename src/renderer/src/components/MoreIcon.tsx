import SvgIcon, { type SvgIconProps } from '@mui/material/SvgIcon';

/** Three vertical dots, for "more actions" menus (the app carries no icon font). */
export function MoreIcon(props: SvgIconProps) {
  return (
    <SvgIcon fontSize="small" {...props}>
      <path d="M12 8c1.1 0 2-.9 2-2s-.9-2-2-2-2 .9-2 2 .9 2 2 2zm0 2c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2zm0 6c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2z" />
    </SvgIcon>
  );
}
