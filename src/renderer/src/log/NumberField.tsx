import { useState } from 'react';
import TextField from '@mui/material/TextField';
import { useT } from '../i18n/i18n-context';

/**
 * A whole number typed freely: the text is the user's while they type, and only a value in
 * range reaches `onCommit`, so a half-typed "-" never reframes the log.
 */
export function NumberField({
  label,
  value,
  min,
  max,
  onCommit,
  width = 120,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onCommit: (value: number) => void;
  width?: number;
}) {
  const t = useT();
  const [text, setText] = useState(String(value));
  const parsed = Number(text);
  const valid = /^\s*-?\d+\s*$/.test(text) && parsed >= min && parsed <= max;
  return (
    <TextField
      label={label}
      value={text}
      error={!valid}
      helperText={valid ? undefined : t('log.framing.numberInvalid', { min, max })}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const n = Number(next);
        if (/^\s*-?\d+\s*$/.test(next) && n >= min && n <= max) onCommit(n);
      }}
      slotProps={{ htmlInput: { inputMode: 'numeric' } }}
      sx={{ width }}
    />
  );
}
