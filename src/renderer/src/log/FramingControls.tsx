import { memo } from 'react';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { LENGTH_FIELD_SIZE_OF, LENGTH_FIELD_SIZES } from '@shared/framing';
import { useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import { FRAMING_MODES, type FramingSettings } from '../store/log-prefs';
import { useInspector } from '../store/store-context';
import { framingConfigOf } from './framing-config';
import { NumberField } from './NumberField';
import { OptionSelect } from '../components/OptionSelect';

const LF = '0a';
const BYTE_ORDERS = ['be', 'le'] as const;
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
      <OptionSelect
        label={t('log.framing')}
        value={framing.mode}
        options={FRAMING_MODES}
        optionLabel={(mode) => t(`log.framing.mode.${mode}`)}
        onChange={(mode) => change({ mode })}
        minWidth={150}
      />
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
          <OptionSelect
            label={t('log.framing.lengthSize')}
            value={`${framing.lengthSize}` as const}
            options={LENGTH_FIELD_SIZES}
            optionLabel={(size) => t('log.framing.lengthBytes', { count: Number(size) })}
            onChange={(size) => change({ lengthSize: LENGTH_FIELD_SIZE_OF[size] })}
            minWidth={110}
          />
          <OptionSelect
            label={t('log.framing.byteOrder')}
            value={framing.littleEndian ? 'le' : 'be'}
            options={BYTE_ORDERS}
            optionLabel={(order) => t(order === 'le' ? 'log.framing.littleEndian' : 'log.framing.bigEndian')}
            onChange={(order) => change({ littleEndian: order === 'le' })}
            minWidth={140}
          />
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
