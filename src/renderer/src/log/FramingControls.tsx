import { memo } from 'react';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import { FRAMING_MODES, type FramingSettings } from '../store/log-prefs';
import { useInspector } from '../store/store-context';
import { framingConfigOf } from './framing-config';
import { NumberField } from './NumberField';

const LF = '0a';
const CRLF = '0d 0a';

/** The framing in words, shown above the log so nobody mistakes frames for chunks. */
export function describeFraming(settings: FramingSettings, t: Translate): string {
  const choice = framingConfigOf(settings);
  if (!choice.ok) return t('log.framing.active.invalid');
  switch (settings.mode) {
    case 'raw':
      return t('log.framing.active.raw');
    case 'lines':
      return t('log.framing.active.lines');
    case 'delimiter':
      return t(settings.keepDelimiter ? 'log.framing.active.delimiterKept' : 'log.framing.active.delimiterStripped', {
        delimiter: settings.delimiter.trim(),
      });
    case 'length':
      return t('log.framing.active.length', {
        size: settings.lengthSize,
        order: t(settings.littleEndian ? 'log.framing.active.littleEndian' : 'log.framing.active.bigEndian'),
        offset: settings.lengthOffset,
        header: t(settings.includesHeader ? 'log.framing.active.headerCounted' : 'log.framing.active.headerNotCounted'),
        adjustment: settings.adjustment,
      });
    case 'fixed':
      return t('log.framing.active.fixed', { size: settings.fixedSize });
    case 'gap':
      return t('log.framing.active.gap', { ms: settings.gapMs });
  }
}

/** Memoized: the log re-renders on every batch, the framing controls only when framing changes. */
export const FramingControls = memo(function FramingControls() {
  const t = useT();
  const framing = useInspector((state) => state.framing);
  const setFraming = useInspector((state) => state.setFraming);
  const change = (patch: Partial<FramingSettings>) => setFraming({ ...framing, ...patch });
  const choice = framingConfigOf(framing);

  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
      <TextField
        select
        label={t('log.framing')}
        value={framing.mode}
        onChange={(event) => change({ mode: event.target.value as FramingSettings['mode'] })}
        sx={{ minWidth: 150 }}
      >
        {FRAMING_MODES.map((mode) => (
          <MenuItem key={mode} value={mode}>
            {t(`log.framing.mode.${mode}`)}
          </MenuItem>
        ))}
      </TextField>
      {framing.mode === 'delimiter' ? (
        <>
          <TextField
            label={t('log.framing.delimiter')}
            value={framing.delimiter}
            onChange={(event) => change({ delimiter: event.target.value })}
            error={!choice.ok}
            helperText={choice.ok ? undefined : t('log.framing.delimiterInvalid', { index: choice.index + 1 })}
            sx={{ width: 150 }}
          />
          <Button variant="outlined" aria-label={t('log.framing.useLf')} onClick={() => change({ delimiter: LF })}>
            \n
          </Button>
          <Button variant="outlined" aria-label={t('log.framing.useCrlf')} onClick={() => change({ delimiter: CRLF })}>
            \r\n
          </Button>
          <FormControlLabel
            control={<Checkbox checked={framing.keepDelimiter} onChange={(event) => change({ keepDelimiter: event.target.checked })} />}
            label={t('log.framing.keepDelimiter')}
          />
        </>
      ) : null}
      {framing.mode === 'length' ? (
        <>
          <TextField
            select
            label={t('log.framing.lengthSize')}
            value={framing.lengthSize}
            onChange={(event) => change({ lengthSize: Number(event.target.value) as 1 | 2 | 4 })}
            sx={{ width: 110 }}
          >
            {[1, 2, 4].map((size) => (
              <MenuItem key={size} value={size}>
                {t('log.framing.lengthBytes', { count: size })}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            label={t('log.framing.byteOrder')}
            value={framing.littleEndian ? 'le' : 'be'}
            onChange={(event) => change({ littleEndian: event.target.value === 'le' })}
            sx={{ width: 140 }}
          >
            <MenuItem value="be">{t('log.framing.bigEndian')}</MenuItem>
            <MenuItem value="le">{t('log.framing.littleEndian')}</MenuItem>
          </TextField>
          <NumberField
            label={t('log.framing.offset')}
            value={framing.lengthOffset}
            min={0}
            max={1 << 20}
            onCommit={(lengthOffset) => change({ lengthOffset })}
            width={110}
          />
          <NumberField
            label={t('log.framing.adjustment')}
            value={framing.adjustment}
            min={-(1 << 20)}
            max={1 << 20}
            onCommit={(adjustment) => change({ adjustment })}
            width={110}
          />
          <FormControlLabel
            control={<Checkbox checked={framing.includesHeader} onChange={(event) => change({ includesHeader: event.target.checked })} />}
            label={t('log.framing.includesHeader')}
          />
        </>
      ) : null}
      {framing.mode === 'fixed' ? (
        <NumberField
          label={t('log.framing.fixedSize')}
          value={framing.fixedSize}
          min={1}
          max={1 << 24}
          onCommit={(fixedSize) => change({ fixedSize })}
        />
      ) : null}
      {framing.mode === 'gap' ? (
        <NumberField label={t('log.framing.gapMs')} value={framing.gapMs} min={0} max={3_600_000} onCommit={(gapMs) => change({ gapMs })} />
      ) : null}
    </Stack>
  );
});
