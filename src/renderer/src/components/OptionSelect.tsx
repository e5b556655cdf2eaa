import { memo, type ReactNode } from 'react';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { LINE_ENDINGS, TEXT_ENCODINGS, type LineEnding, type TextEncodingName } from '@shared/contract';
import { isOneOf } from '@shared/validate';
import type { MessageKey } from '../i18n/en';
import { useT } from '../i18n/i18n-context';

export interface OptionSelectProps<T extends string> {
  label: string;
  value: T;
  options: readonly T[];
  optionLabel: (option: T) => string;
  /** Only ever one of `options`: a value the list does not hold never reaches it. */
  onChange: (value: T) => void;
  minWidth?: number;
  disabled?: boolean;
  error?: boolean;
  helperText?: ReactNode;
}

/** A select of one of a fixed list of values, each with its label: the one way the page offers a closed choice. */
export function OptionSelect<T extends string>({
  label,
  value,
  options,
  optionLabel,
  onChange,
  minWidth = 120,
  disabled = false,
  error = false,
  helperText,
}: OptionSelectProps<T>) {
  return (
    <TextField
      select
      size="small"
      label={label}
      value={value}
      disabled={disabled}
      error={error}
      helperText={helperText}
      onChange={(event) => {
        if (isOneOf(options, event.target.value)) onChange(event.target.value);
      }}
      // MUI takes '' for no choice and leaves the box blank; here '' is a choice with a name of its own.
      {...(options.includes('' as T) ? { slotProps: { select: { displayEmpty: true }, inputLabel: { shrink: true } } } : {})}
      sx={{ minWidth }}
    >
      {options.map((option) => (
        <MenuItem key={option} value={option}>
          {optionLabel(option)}
        </MenuItem>
      ))}
    </TextField>
  );
}

interface NamedSelectProps<T extends string> {
  value: T;
  onChange: (value: T) => void;
  /** What the choice is for here ("Text encoding" in the log, "Encoding" in the composer). */
  label?: string;
  minWidth?: number;
}

/** A text encoding, named the same wherever one is chosen. */
export const EncodingSelect = memo(function EncodingSelect({ value, onChange, label, minWidth }: NamedSelectProps<TextEncodingName>) {
  const t = useT();
  return (
    <OptionSelect
      label={label ?? t('composer.encoding')}
      value={value}
      options={TEXT_ENCODINGS}
      optionLabel={(name) => t(`composer.encoding.${name}` satisfies MessageKey)}
      onChange={onChange}
      {...(minWidth === undefined ? {} : { minWidth })}
    />
  );
});

/** A line ending, named the same wherever one is chosen. */
export const LineEndingSelect = memo(function LineEndingSelect({ value, onChange, label, minWidth }: NamedSelectProps<LineEnding>) {
  const t = useT();
  return (
    <OptionSelect
      label={label ?? t('composer.lineEnding')}
      value={value}
      options={LINE_ENDINGS}
      optionLabel={(ending) => t(`composer.lineEnding.${ending}`)}
      onChange={onChange}
      {...(minWidth === undefined ? {} : { minWidth })}
    />
  );
});
