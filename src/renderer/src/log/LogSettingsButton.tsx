import { memo, useState, type ReactNode } from 'react';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import SvgIcon from '@mui/material/SvgIcon';
import TextField from '@mui/material/TextField';
import { EncodingSelect } from '../components/OptionSelect';
import { useT } from '../i18n/i18n-context';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import { MAX_LOG_FONT, MAX_LOG_LIMIT, MIN_LOG_FONT, MIN_LOG_LIMIT, type RowLook } from '../store/log-prefs';
import { NumberField } from './NumberField';
import { useInspector } from '../store/store-context';
import { FramingControls } from './FramingControls';
import { ToolbarPopover } from './ToolbarPopover';

/** The retained-entries limit: applied on "Apply", since lowering it drops entries at once. */
function LogLimitForm({ onApplied }: { onApplied: () => void }) {
  const t = useT();
  const limit = useInspector((state) => state.logLimit);
  const setLogLimit = useInspector((state) => state.setLogLimit);
  const [text, setText] = useState(() => String(limit));
  const value = Number(text);
  const valid = /^\d+$/.test(text) && value >= MIN_LOG_LIMIT && value <= MAX_LOG_LIMIT;
  return (
    <Stack
      component="form"
      direction="row"
      spacing={1}
      sx={{ alignItems: 'flex-start' }}
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        setLogLimit(value);
        onApplied();
      }}
    >
      <TextField
        size="small"
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
  );
}

/** Wrap, the time columns and the text size: how rows are drawn. */
function RowLookControls() {
  const t = useT();
  const look = useInspector((state) => state.rowLook);
  const setRowLook = useInspector((state) => state.setRowLook);
  const change = (patch: Partial<RowLook>) => setRowLook({ ...look, ...patch });
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
      <FormControlLabel
        control={<Checkbox checked={look.wrap} onChange={(event) => change({ wrap: event.target.checked })} />}
        label={t('log.look.wrap')}
      />
      <FormControlLabel
        control={<Checkbox checked={look.showTime} onChange={(event) => change({ showTime: event.target.checked })} />}
        label={t('log.look.time')}
      />
      <FormControlLabel
        control={<Checkbox checked={look.showDelta} onChange={(event) => change({ showDelta: event.target.checked })} />}
        label={t('log.look.delta')}
      />
      <NumberField
        label={t('log.look.fontSize')}
        value={look.fontSize}
        min={MIN_LOG_FONT}
        max={MAX_LOG_FONT}
        onCommit={(fontSize) => change({ fontSize })}
        width={120}
      />
    </Stack>
  );
}

/**
 * How the log reads its bytes and how many it keeps: everything the toolbar has no room for.
 * `checksum`: the control for the check value each framed message is verified against, whose
 * choice the panel holds (its bad-only filter sits under Filters).
 */
export const LogSettingsButton = memo(function LogSettingsButton({ checksum, checksumOn }: { checksum: ReactNode; checksumOn: boolean }) {
  const t = useT();
  const encoding = useInspector((state) => state.logEncoding);
  const setLogEncoding = useInspector((state) => state.setLogEncoding);
  const framing = useInspector((state) => state.framing.mode);
  const look = useInspector((state) => state.rowLook);
  return (
    <ToolbarPopover
      label={t('log.settings')}
      icon={
        <SvgIcon fontSize="small">
          <path d="M3 17v2h6v-2H3zM3 5v2h10V5H3zm10 16v-2h8v-2h-8v-2h-2v6h2zM7 9v2H3v2h4v2h2V9H7zm14 4v-2H11v2h10zm-6-4h2V7h4V5h-4V3h-2v6z" />
        </SvgIcon>
      }
      active={
        (encoding === 'utf-8' ? 0 : 1) +
        (framing === 'raw' ? 0 : 1) +
        (checksumOn ? 1 : 0) +
        (look.wrap && look.showTime && look.showDelta && look.fontSize === 12 ? 0 : 1)
      }
    >
      {(close) => (
        <>
          <EncodingSelect label={t('log.encoding')} value={encoding} onChange={setLogEncoding} minWidth={160} />
          <RowLookControls />
          <Divider />
          <FramingControls />
          {checksum}
          <Divider />
          <LogLimitForm onApplied={close} />
        </>
      )}
    </ToolbarPopover>
  );
});
