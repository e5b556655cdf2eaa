import { memo, type ChangeEvent, type KeyboardEvent, type Ref } from 'react';
import TextField from '@mui/material/TextField';
import { SHORTCUT_KEYS } from '../components/shortcuts';
import { MONO_FONT } from '../theme';

const INPUT_PROPS = {
  htmlInput: {
    spellCheck: false,
    autoComplete: 'off',
    'data-jump': 'composer',
    'aria-keyshortcuts': SHORTCUT_KEYS['jump-composer'],
    style: { fontFamily: MONO_FONT },
  },
};

interface PayloadFieldProps {
  label: string;
  value: string;
  placeholder: string;
  helperText: string;
  error: boolean;
  inputRef: Ref<HTMLTextAreaElement>;
  onChange: (event: ChangeEvent<HTMLTextAreaElement | HTMLInputElement>) => void;
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
}

/**
 * The composer's payload field. A multi-line field measures its own height after every render (a
 * forced style and layout): memoized on its props, it redraws when what it shows changes, not
 * each time a connection comes or goes and the composer's send targets with it.
 */
export const PayloadField = memo(function PayloadField({
  label,
  value,
  placeholder,
  helperText,
  error,
  inputRef,
  onChange,
  onKeyDown,
}: PayloadFieldProps) {
  return (
    <TextField
      label={label}
      multiline
      minRows={2}
      maxRows={8}
      fullWidth
      size="small"
      value={value}
      inputRef={inputRef}
      onChange={onChange}
      onKeyDown={onKeyDown}
      placeholder={placeholder}
      error={error}
      helperText={helperText}
      slotProps={INPUT_PROPS}
    />
  );
});
