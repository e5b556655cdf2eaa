import Box from '@mui/material/Box';
import { MONO_FONT } from '../theme';

/** Characters shown on each side of the marked one. */
const CONTEXT = 24;

/**
 * The line around a problem with the character at `index` marked, under the field, so the eye
 * finds it without counting; the message (the field's description) says the same in words.
 */
export function ProblemMarker({ value, index }: { value: string; index: number }) {
  const lineStart = value.lastIndexOf('\n', index - 1) + 1;
  const newline = value.indexOf('\n', index);
  const lineEnd = newline === -1 ? value.length : newline;
  const from = Math.max(lineStart, index - CONTEXT);
  const to = Math.min(lineEnd, index + CONTEXT);
  const codePoint = index < lineEnd ? value.codePointAt(index) : undefined;
  const marked = codePoint === undefined ? '' : String.fromCodePoint(codePoint);
  return (
    <Box
      aria-hidden
      data-testid="payload-problem-marker"
      sx={{
        fontFamily: MONO_FONT,
        fontSize: '0.8rem',
        whiteSpace: 'pre',
        overflow: 'hidden',
        textOverflow: 'ellipsis',
        color: 'text.secondary',
        mx: 1.75,
      }}
    >
      {from > lineStart ? '…' : ''}
      {value.slice(from, index)}
      <Box
        component="mark"
        data-testid="payload-problem-at"
        sx={{
          color: 'error.main',
          bgcolor: 'transparent',
          fontWeight: 700,
          textDecoration: 'underline wavy',
          textDecorationColor: 'currentColor',
        }}
      >
        {/* At the end of a line there is no character: a caret marks where one is missing. */}
        {marked === '' ? '‸' : marked}
      </Box>
      {value.slice(index + marked.length, to)}
      {to < lineEnd ? '…' : ''}
    </Box>
  );
}
