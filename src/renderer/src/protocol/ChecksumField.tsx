import { memo, useState } from 'react';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { CHECKSUM_ALGORITHMS, defaultByteOrder, type ByteOrder, type ChecksumAlgorithm } from '@shared/checksums';
import type { ChecksumOption } from '@shared/contract';
import { MAX_SEND_BYTES } from '@shared/limits';
import { isOneOf } from '@shared/validate';
import { useT } from '../i18n/i18n-context';

/** A slice bound typed as digits with an optional minus, or undefined. */
function bound(text: string): number | undefined {
  if (!/^-?\d{1,9}$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return Math.abs(value) <= MAX_SEND_BYTES ? value : undefined;
}

/** Keeps what is typed while it is not a number yet; the field exists only while a checksum is chosen, so it starts from the value. */
function BoundField({ label, value, onChange }: { label: string; value: number; onChange: (value: number) => void }) {
  const t = useT();
  const [text, setText] = useState(String(value));
  const wrong = bound(text) === undefined;
  return (
    <TextField
      label={label}
      size="small"
      value={text}
      error={wrong}
      title={t('protocol.checksum.rangeTip')}
      helperText={wrong ? t('protocol.checksum.rangeProblem', { max: MAX_SEND_BYTES }) : undefined}
      onChange={(event) => {
        setText(event.target.value);
        const next = bound(event.target.value);
        if (next !== undefined) onChange(next);
      }}
      slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-description': t('protocol.checksum.rangeTip') } }}
      sx={{ width: '6rem' }}
    />
  );
}

/**
 * The check value a send appends (or the log verifies): an algorithm or none, the byte range it
 * covers, and the order its bytes travel in (the algorithm's usual one until chosen).
 */
export const ChecksumField = memo(function ChecksumField({
  value,
  onChange,
  disabled,
}: {
  value: ChecksumOption | undefined;
  onChange: (value: ChecksumOption | undefined) => void;
  disabled?: boolean;
}) {
  const t = useT();
  const order: ByteOrder | undefined = value ? (value.order ?? defaultByteOrder(value.algorithm)) : undefined;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1 }}>
      <TextField
        select
        size="small"
        label={t('protocol.checksum')}
        value={value?.algorithm ?? 'none'}
        disabled={disabled}
        onChange={(event) => {
          const next = event.target.value;
          if (!isOneOf(CHECKSUM_ALGORITHMS, next)) onChange(undefined);
          else onChange({ algorithm: next, from: value?.from ?? 0, ...(value?.to !== undefined ? { to: value.to } : {}) });
        }}
        sx={{ minWidth: '10rem' }}
      >
        <MenuItem value="none">{t('protocol.checksum.none')}</MenuItem>
        {CHECKSUM_ALGORITHMS.map((algorithm: ChecksumAlgorithm) => (
          <MenuItem key={algorithm} value={algorithm}>
            {t(`protocol.checksum.${algorithm}`)}
          </MenuItem>
        ))}
      </TextField>
      {value ? (
        <>
          <BoundField label={t('protocol.checksum.from')} value={value.from} onChange={(from) => onChange({ ...value, from })} />
          <BoundField label={t('protocol.checksum.to')} value={value.to ?? 0} onChange={(to) => onChange({ ...value, to })} />
          <TextField
            select
            size="small"
            label={t('protocol.checksum.order')}
            value={order}
            disabled={disabled}
            onChange={(event) => {
              const next = event.target.value;
              if (next === 'big' || next === 'little') onChange({ ...value, order: next });
            }}
            sx={{ minWidth: '8rem' }}
          >
            <MenuItem value="big">{t('protocol.checksum.order.big')}</MenuItem>
            <MenuItem value="little">{t('protocol.checksum.order.little')}</MenuItem>
          </TextField>
        </>
      ) : null}
    </Stack>
  );
});
