import { memo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { HeldMessage, RelayFlow } from '@shared/contract';
import type { AppError, Result } from '@shared/result';
import { toEscapedText } from '@shared/visible-text';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useT } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/en';
import { useInspector } from '../store/store-context';
import type { SessionShape } from '../store/stable-views';
import { MONO_FONT } from '../theme';

const NONE: readonly HeldMessage[] = [];
const FLOWS: readonly RelayFlow[] = ['to-server', 'to-client'];
const FLOW_LABEL = { 'to-server': 'relay.flow.toServer', 'to-client': 'relay.flow.toClient' } as const satisfies Record<
  RelayFlow,
  MessageKey
>;
const HOLD_LABEL = { 'to-server': 'relay.hold.toServer', 'to-client': 'relay.hold.toClient' } as const satisfies Record<
  RelayFlow,
  MessageKey
>;

/**
 * A relay's holds: a switch per direction, and every message held, each to release (send on),
 * drop or edit before it goes. Peer bytes are shown as escaped text, never markup.
 */
export const HeldPanel = memo(function HeldPanel({ session }: { session: SessionShape }) {
  const t = useT();
  const api = useApi();
  const held = useInspector((state) => state.held.get(session.id) ?? NONE);
  const [failure, setFailure] = useState<AppError | undefined>(undefined);
  // A switch shows what it was turned to at once, until the engine's config moves or the call fails.
  const [asked, setAsked] = useState<Partial<Record<RelayFlow, { hold: boolean; over: boolean }>>>({});
  const config = session.config.kind === 'relay' ? session.config : undefined;
  if (!config) return null;
  const holding: Record<RelayFlow, boolean> = { 'to-server': config.holdToServer, 'to-client': config.holdToClient };
  const shown = (flow: RelayFlow) => {
    const ask = asked[flow];
    return ask !== undefined && ask.over === holding[flow] ? ask.hold : holding[flow];
  };

  const answer = async (call: Promise<Result<unknown>>) => {
    const result = await call;
    setFailure(result.ok ? undefined : result.error);
  };
  const bytes = held.reduce((sum, m) => sum + m.bytes.byteLength, 0);

  return (
    <Box sx={{ px: 1.5, py: 0.75, overflow: 'auto', height: '100%' }} data-testid="held-panel">
      <Stack direction="row" sx={{ alignItems: 'center', flexWrap: 'wrap', columnGap: 1.5 }}>
        {FLOWS.map((flow) => (
          <FormControlLabel
            key={flow}
            control={
              <Switch
                size="small"
                checked={shown(flow)}
                onChange={(event) => {
                  const hold = event.target.checked;
                  setAsked((now) => ({ ...now, [flow]: { hold, over: holding[flow] } }));
                  void api.hold({ sessionId: session.id, flow, hold }).then((result) => {
                    setFailure(result.ok ? undefined : result.error);
                    if (!result.ok) setAsked((now) => ({ ...now, [flow]: undefined }));
                  });
                }}
              />
            }
            label={t(HOLD_LABEL[flow])}
          />
        ))}
        <Typography variant="caption" color="text.secondary" role="status" data-testid="held-count">
          {t('relay.heldCount', { count: held.length, bytes })}
        </Typography>
        <Box sx={{ flex: 1 }} />
        <Button
          size="small"
          disabled={held.length === 0}
          onClick={() => void answer(api.held({ sessionId: session.id, action: 'release' }))}
        >
          {t('relay.releaseAll')}
        </Button>
        <Button
          size="small"
          color="warning"
          disabled={held.length === 0}
          onClick={() => void answer(api.held({ sessionId: session.id, action: 'drop' }))}
        >
          {t('relay.dropAll')}
        </Button>
      </Stack>
      {failure ? (
        <ErrorAlert title={t('relay.actionFailed')} error={failure} onClose={() => setFailure(undefined)} sx={{ my: 0.5 }} />
      ) : null}
      <Box component="ul" aria-label={t('relay.heldList')} sx={{ listStyle: 'none', m: 0, p: 0 }}>
        {held.map((message) => (
          <HeldRow key={message.id} sessionId={session.id} message={message} onAnswer={answer} />
        ))}
      </Box>
    </Box>
  );
});

function HeldRow({
  sessionId,
  message,
  onAnswer,
}: {
  sessionId: string;
  message: HeldMessage;
  onAnswer: (call: Promise<Result<unknown>>) => Promise<void>;
}) {
  const t = useT();
  const api = useApi();
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const text = toEscapedText(message.bytes, 'utf-8');
  const ids = [message.id];
  const save = async () => {
    if (draft === undefined) return;
    await onAnswer(
      api.held({ sessionId, action: 'edit', id: message.id, payload: { format: 'text', value: draft, escapes: true, encoding: 'utf-8' } }),
    );
    setDraft(undefined);
  };
  return (
    <Box
      component="li"
      data-testid="held-message"
      aria-label={t('relay.heldItem', { id: message.id, connId: message.connId, flow: t(FLOW_LABEL[message.flow]) })}
      sx={{ borderTop: 1, borderColor: 'divider', py: 0.5 }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="caption" sx={{ fontFamily: MONO_FONT }}>
          {message.connId}
        </Typography>
        <Typography variant="caption" sx={{ fontWeight: 600 }}>
          {t(FLOW_LABEL[message.flow])}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {t('log.length', { count: message.bytes.byteLength })}
        </Typography>
        {message.edited ? <Chip size="small" variant="outlined" label={t('relay.edited')} /> : null}
        {message.partial ? <Chip size="small" color="warning" variant="outlined" label={t('relay.partial')} /> : null}
        <Box sx={{ flex: 1 }} />
        <Button size="small" onClick={() => void onAnswer(api.held({ sessionId, action: 'release', ids }))}>
          {t('relay.release')}
        </Button>
        <Button size="small" onClick={() => setDraft(draft === undefined ? text : undefined)}>
          {t(draft === undefined ? 'relay.edit' : 'relay.cancelEdit')}
        </Button>
        <Button size="small" color="warning" onClick={() => void onAnswer(api.held({ sessionId, action: 'drop', ids }))}>
          {t('relay.drop')}
        </Button>
      </Stack>
      {draft === undefined ? (
        <Box component="pre" sx={{ m: 0, fontFamily: MONO_FONT, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {text}
        </Box>
      ) : (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', mt: 0.5 }}>
          <TextField
            label={t('relay.editLabel', { id: message.id })}
            multiline
            minRows={1}
            maxRows={6}
            fullWidth
            size="small"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            helperText={t('relay.editHelp')}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: MONO_FONT } } }}
          />
          <Button variant="contained" size="small" onClick={() => void save()}>
            {t('relay.saveEdit')}
          </Button>
        </Stack>
      )}
    </Box>
  );
}
