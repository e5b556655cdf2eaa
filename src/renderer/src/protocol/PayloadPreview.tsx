import { useEffect, useState } from 'react';
import Typography from '@mui/material/Typography';
import type { Payload } from '@shared/contract';
import { formatHex } from '@shared/hex';
import { useApi } from '../api/host-context';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';

const SHOWN_BYTES = 48;
const DEBOUNCE_MS = 150;

/**
 * What the next send of the payload will be, as the engine would fill its macros in now (the
 * preview method, which advances no counter). It asks again after each send of the session, so
 * a counter shows its next value.
 */
export function PayloadPreview({ sessionId, payload }: { sessionId: string; payload: Payload }) {
  const t = useT();
  const api = useApi();
  const [preview, setPreview] = useState<{ payload: Payload; bytes: Uint8Array | undefined } | undefined>(undefined);
  const [sends, setSends] = useState(0);

  useEffect(
    () =>
      api.onEvents((batch) => {
        if (batch.events.some((event) => event.type === 'data' && event.dir === 'tx' && event.sessionId === sessionId)) {
          setSends((n) => n + 1);
        }
      }),
    [api, sessionId],
  );

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void api.preview({ sessionId, payload }).then((result) => {
        if (current) setPreview({ payload, bytes: result.ok ? result.value.bytes : undefined });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, sessionId, payload, sends]);

  // An answer for an earlier payload is not shown, so a preview never lags behind what is typed.
  const bytes = preview && preview.payload === payload ? preview.bytes : undefined;
  if (!bytes) return null;
  const shown = formatHex(bytes.subarray(0, SHOWN_BYTES));
  const more = bytes.length > SHOWN_BYTES ? t('protocol.preview.more', { more: bytes.length - SHOWN_BYTES }) : '';
  return (
    <Typography
      variant="caption"
      component="p"
      aria-label={t('protocol.preview')}
      sx={{ mt: 0.5, fontFamily: MONO_FONT, overflowWrap: 'anywhere' }}
    >
      {t('protocol.preview')}: {t('protocol.preview.bytes', { bytes: bytes.length, hex: `${shown}${more}` })}
    </Typography>
  );
}
