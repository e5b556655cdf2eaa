import Box from '@mui/material/Box';
import type { SessionKind } from '@shared/contract';
import { useT } from '../i18n/i18n-context';
import type { Translate } from '../i18n/languages';
import { MONO_FONT } from '../theme';

/** "TCP client 127.0.0.1:80": the kind in words, the endpoint in the monospace addresses are shown in. */
export function KindEndpoint({ kind, endpoint }: { kind: SessionKind; endpoint: string }) {
  const t = useT();
  return (
    <>
      {t(`kind.${kind}`)}{' '}
      <Box component="span" sx={{ fontFamily: MONO_FONT }}>
        {endpoint}
      </Box>
    </>
  );
}

/** The name a saved session gets when none is typed; where a session has it, the kind and endpoint need no second line. */
export const defaultSessionName = (kind: SessionKind, endpoint: string, t: Translate): string => `${t(`kind.${kind}`)} ${endpoint}`;
