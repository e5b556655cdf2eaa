import { memo } from 'react';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import { useT } from '../i18n/i18n-context';
import type { ComposerFormat } from './composer-payload';

/*
 * The composer's controls around the payload field, each memoized on its own value: typing
 * redraws the field and what depends on the payload, not the whole row of selects and toggles.
 */

export const FormatToggle = memo(function FormatToggle({
  format,
  disabled,
  onChange,
}: {
  format: ComposerFormat;
  disabled: boolean;
  onChange: (format: ComposerFormat) => void;
}) {
  const t = useT();
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      aria-label={t('composer.format')}
      value={format}
      disabled={disabled}
      onChange={(_event, next: unknown) => {
        if (next === 'text' || next === 'hex' || next === 'file') onChange(next);
      }}
    >
      <ToggleButton value="text">{t('composer.text')}</ToggleButton>
      <ToggleButton value="hex">{t('composer.hex')}</ToggleButton>
      <ToggleButton value="file">{t('composer.file')}</ToggleButton>
    </ToggleButtonGroup>
  );
});

/** Whether `\r \n \t \xNN` in text stand for what they name or are sent as typed. */
export const EscapesSwitch = memo(function EscapesSwitch({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const t = useT();
  return (
    <Tooltip describeChild title={t(on ? 'composer.escapes.on' : 'composer.escapes.off')}>
      <FormControlLabel
        control={<Switch size="small" checked={on} onChange={(event) => onChange(event.target.checked)} />}
        label={t('composer.escapes')}
        sx={{ mr: 0 }}
      />
    </Tooltip>
  );
});

export interface RepeatControlsProps {
  repeat: boolean;
  disabled: boolean;
  intervalText: string;
  countText: string;
  intervalProblem: boolean;
  countProblem: boolean;
  onRepeat: (repeat: boolean) => void;
  onInterval: (text: string) => void;
  onCount: (text: string) => void;
}

export const RepeatControls = memo(function RepeatControls({
  repeat,
  disabled,
  intervalText,
  countText,
  intervalProblem,
  countProblem,
  onRepeat,
  onInterval,
  onCount,
}: RepeatControlsProps) {
  const t = useT();
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <FormControlLabel
        control={<Switch size="small" checked={repeat} disabled={disabled} onChange={(event) => onRepeat(event.target.checked)} />}
        label={t('composer.repeat')}
        sx={{ mr: 0 }}
      />
      {repeat ? (
        <>
          <Tooltip describeChild title={t('composer.repeat.intervalTip')}>
            <TextField
              size="small"
              label={t('composer.repeat.interval')}
              value={intervalText}
              disabled={disabled}
              onChange={(event) => onInterval(event.target.value)}
              error={intervalProblem}
              helperText={intervalProblem ? t('composer.repeat.intervalInvalid') : undefined}
              slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
              sx={{ width: 120 }}
            />
          </Tooltip>
          <Tooltip describeChild title={t('composer.repeat.countTip')}>
            <TextField
              size="small"
              label={t('composer.repeat.count')}
              value={countText}
              disabled={disabled}
              placeholder="∞"
              onChange={(event) => onCount(event.target.value)}
              error={countProblem}
              helperText={countProblem ? t('composer.repeat.countInvalid') : undefined}
              slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
              sx={{ width: 100 }}
            />
          </Tooltip>
        </>
      ) : null}
    </Stack>
  );
});
