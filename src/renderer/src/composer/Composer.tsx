import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type {
  ChecksumOption,
  LineEnding,
  Payload,
  RelayFlow,
  SendReceipt,
  SendTarget,
  SessionKind,
  TextEncodingName,
} from '@shared/contract';
import { payloadProblem } from '@shared/payload';
import { problemWords } from '@shared/text-encoding';
import type { Result, ShownError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { useSay, useT } from '../i18n/i18n-context';
import { ChecksumField } from '../protocol/ChecksumField';
import { PayloadPreview } from '../protocol/PayloadPreview';
import { SequencePanel } from '../protocol/SequencePanel';
import { MONO_FONT } from '../theme';
import { composerPayload, type ComposerFormat, type TypedFormat } from './composer-payload';
import { useSendHistory } from './composer-stores';
import { EncodingSelect, LineEndingSelect } from '../components/OptionSelect';
import { FormatToggle, RepeatControls } from './ComposerOptions';
import { FILE_CHUNK_BYTES, UDP_FILE_CHUNK_BYTES } from '@shared/limits';
import { sendFile, type FileSendOutcome } from './file-send';
import { FilePicker, type FileProgress } from './FilePicker';
import type { SavedPayloadContent } from './payload-library';
import { ProblemMarker } from './ProblemMarker';
import { MAX_REPEAT_COUNT, MAX_REPEAT_INTERVAL_MS, MIN_REPEAT_INTERVAL_MS, useEngineRepeat } from './repeat';
import { SavedPayloadsButton, SavePayloadButton } from './SavedPayloads';
import { listenerTarget, TargetSelect } from './TargetSelect';
import { UdpTargetFields, useUdpTarget, type UdpRemote } from './UdpTargetFields';
import { useHistoryRecall, type CaretPlace } from './use-history-recall';
import { useRoomWaiter } from './use-room-waiter';
import { useSendTargets } from './use-send-targets';

/** A whole number in [min, max] typed as digits, or undefined. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
}

interface Failure {
  title: string;
  error: ShownError;
}

export interface ComposerProps {
  sessionId: string;
  kind: SessionKind;
  open: boolean;
  /** A UDP session's configured remote, where sends go until another is typed. */
  udpRemote: UdpRemote | undefined;
}

/**
 * Memoized on its few props: a batch of traffic changes the session's counters, not these, and
 * must not redraw the composer's fields.
 */
export const Composer = memo(function Composer({ sessionId, kind, open: isOpen, udpRemote }: ComposerProps) {
  const t = useT();
  const say = useSay();
  const api = useApi();
  const connections = useSendTargets(sessionId);
  const addHistory = useSendHistory((state) => state.add);
  const waitForRoom = useRoomWaiter(connections);

  const [format, setFormat] = useState<ComposerFormat>('text');
  const [value, setValue] = useState('');
  const [encoding, setEncoding] = useState<TextEncodingName>('utf-8');
  const [lineEnding, setLineEnding] = useState<LineEnding>('none');
  const [checksum, setChecksum] = useState<ChecksumOption | undefined>(undefined);
  const [chosenConns, setChosenConns] = useState<string[]>([]);
  /** Relay: which way an injected payload goes. */
  const [flow, setFlow] = useState<RelayFlow>('to-server');
  const relay = kind === 'relay';
  const udp = useUdpTarget(udpRemote);

  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);

  const [repeat, setRepeat] = useState(false);
  const [intervalText, setIntervalText] = useState('1000');
  const [countText, setCountText] = useState('');
  const engineRepeat = useEngineRepeat(sessionId);
  const repeatRun = engineRepeat.run?.state === 'running' ? engineRepeat.run : undefined;
  /** The run this composer started, whose end it reports. */
  const [ownRun, setOwnRun] = useState<number | undefined>(undefined);

  const [file, setFile] = useState<File | undefined>(undefined);
  const [fileProgress, setFileProgress] = useState<FileProgress | undefined>(undefined);

  const running = useRef<AbortController | undefined>(undefined);
  const field = useRef<HTMLTextAreaElement | null>(null);
  const pendingCaret = useRef<CaretPlace | undefined>(undefined);

  const typedFormat: TypedFormat = format === 'hex' ? 'hex' : 'text';
  const payload = useMemo<Payload>(
    () => ({ ...composerPayload(typedFormat, value, lineEnding, encoding), ...(checksum ? { checksum } : {}) }),
    [typedFormat, value, lineEnding, encoding, checksum],
  );
  const problem = useMemo(() => (format === 'file' ? undefined : payloadProblem(payload)), [format, payload]);
  const content = useMemo<SavedPayloadContent>(
    () => ({ format: typedFormat, value, encoding, lineEnding }),
    [typedFormat, value, encoding, lineEnding],
  );

  const interval = wholeNumber(intervalText, MIN_REPEAT_INTERVAL_MS, MAX_REPEAT_INTERVAL_MS);
  const count = countText.trim() === '' ? undefined : wholeNumber(countText, 1, MAX_REPEAT_COUNT);
  const intervalProblem = repeat && interval === undefined;
  const countProblem = repeat && countText.trim() !== '' && count === undefined;

  const active = busy || repeatRun !== undefined || fileProgress !== undefined;
  const empty = value === '' && lineEnding === 'none';
  const targetReady = kind !== 'udp' || udp.valid;
  const canSend =
    isOpen &&
    !active &&
    targetReady &&
    (format === 'file' ? file !== undefined && file.size > 0 : !problem && !empty && (!repeat || (!intervalProblem && !countProblem)));

  /** Put a payload (recalled, or loaded from the library) into the composer. */
  const show = useCallback((item: SavedPayloadContent) => {
    setFormat(item.format);
    setValue(item.value);
    setEncoding(item.encoding);
    setLineEnding(item.lineEnding);
  }, []);
  const history = useHistoryRecall(content, (entry, caret) => {
    pendingCaret.current = caret;
    show(entry);
  });
  const { leave } = history;

  useEffect(() => {
    const input = field.current;
    const caret = pendingCaret.current;
    if (!input || caret === undefined) return;
    pendingCaret.current = undefined;
    const at = caret === 'start' ? 0 : input.value.length;
    input.setSelectionRange(at, at);
  }, [value]);

  // Sends in progress end with the session, and when the composer goes away.
  useEffect(() => {
    if (!isOpen) running.current?.abort();
  }, [isOpen]);
  useEffect(() => () => running.current?.abort(), []);

  const target = (): SendTarget | undefined => {
    if (kind === 'tcp-server' || relay) return listenerTarget(chosenConns, connections);
    if (kind === 'udp') return udp.target();
    return undefined;
  };

  const sendArgs = (body: Payload, to: SendTarget | undefined) => ({ sessionId, payload: body, ...(to ? { to } : {}) });

  /** A send, or for a relay an inject into the chosen direction of the chosen pairs (all without a choice). */
  const deliver = async (body: Payload, to: SendTarget | undefined): Promise<Result<SendReceipt>> => {
    if (!relay) return api.send(sendArgs(body, to));
    if (to?.type !== 'connections') return api.inject({ sessionId, flow, payload: body });
    const receipt: SendReceipt = { bytes: 0, targets: 0 };
    for (const connId of to.connIds) {
      const result = await api.inject({ sessionId, connId, flow, payload: body });
      if (!result.ok) return result;
      receipt.bytes = result.value.bytes;
      receipt.targets += result.value.targets;
    }
    return { ok: true, value: receipt };
  };

  const clearOutcome = () => {
    setFailure(undefined);
    setStatus(undefined);
  };

  /** A run that Stop, Cancel, the session closing or the composer going away can end. */
  const startRun = (): AbortController => {
    const controller = new AbortController();
    running.current = controller;
    clearOutcome();
    return controller;
  };

  const sendTyped = async () => {
    addHistory(content);
    const args = sendArgs(payload, target());
    clearOutcome();
    setBusy(true);
    const result = await deliver(args.payload, args.to);
    setBusy(false);
    if (result.ok) setStatus(t('composer.sent', { bytes: result.value.bytes, targets: result.value.targets }));
    else setFailure({ title: t('composer.sendFailed'), error: result.error });
  };

  const sendRepeated = async (intervalMs: number) => {
    addHistory(content);
    clearOutcome();
    setBusy(true);
    const result = await engineRepeat.start({ payload, to: target(), intervalMs, count });
    setBusy(false);
    if (result.ok) setOwnRun(result.value.startedAt);
    else setFailure({ title: t('composer.repeat.failed', { sent: 0 }), error: result.error });
  };

  // The engine times the run; its end arrives as the session's automation status.
  const finished = engineRepeat.run;
  useEffect(() => {
    if (ownRun === undefined || !finished || finished.startedAt !== ownRun || finished.state === 'running') return;
    setOwnRun(undefined);
    if (finished.state === 'failed' && finished.error) {
      setFailure({ title: t('composer.repeat.failed', { sent: finished.sent }), error: finished.error });
    } else {
      setStatus(t(finished.state === 'stopped' ? 'composer.repeat.stopped' : 'composer.repeat.finished', { sent: finished.sent }));
    }
  }, [finished, ownRun, t]);

  const sendChosenFile = async (chosen: File) => {
    const to = target();
    const controller = startRun();
    setFileProgress({ sent: 0, total: chosen.size });
    let outcome: FileSendOutcome;
    try {
      outcome = await sendFile({
        file: chosen,
        chunkBytes: kind === 'udp' ? UDP_FILE_CHUNK_BYTES : FILE_CHUNK_BYTES,
        signal: controller.signal,
        send: (base64) => deliver({ format: 'base64', value: base64, encoding: 'utf-8', escapes: false, lineEnding: 'none' }, to),
        waitForRoom,
        onProgress: (sent) => setFileProgress({ sent, total: chosen.size }),
      });
    } catch (error) {
      // A Blob read fails when the file was moved or changed after it was picked.
      setFileProgress(undefined);
      setFailure({
        title: t('composer.file.readFailed'),
        error: { code: 'READ_FAILED', message: error instanceof Error ? error.message : String(error), hint: '' },
      });
      return;
    }
    setFileProgress(undefined);
    if (outcome.done) setStatus(t('composer.file.done', { name: chosen.name, bytes: outcome.sent }));
    else if (outcome.error) setFailure({ title: t('composer.sendFailed'), error: outcome.error });
    else setStatus(t('composer.file.cancelled', { sent: outcome.sent, total: chosen.size }));
  };

  const send = () => {
    if (!canSend) return;
    if (format === 'file') {
      if (file) void sendChosenFile(file);
    } else if (repeat && interval !== undefined) {
      void sendRepeated(interval);
    } else {
      void sendTyped();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
      return;
    }
    history.onKeyDown(event);
  };

  const load = useCallback(
    (item: SavedPayloadContent) => {
      leave();
      show(item);
    },
    [leave, show],
  );

  const progressText = fileProgress
    ? t('composer.file.progress', { sent: fileProgress.sent, total: fileProgress.total })
    : repeatRun
      ? repeatRun.count === undefined
        ? t('composer.repeat.progressEndless', { sent: repeatRun.sent })
        : t('composer.repeat.progress', { sent: repeatRun.sent, count: repeatRun.count })
      : status;

  return (
    <Box component="section" aria-label={t('composer.label')} sx={{ borderTop: 1, borderColor: 'divider', px: 1.5, py: 1, flex: 'none' }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, mb: 1 }}>
        <FormatToggle format={format} disabled={active} onChange={setFormat} />
        {format === 'text' ? <EncodingSelect value={encoding} onChange={setEncoding} /> : null}
        {format !== 'file' ? <LineEndingSelect value={lineEnding} onChange={setLineEnding} /> : null}
        {kind === 'tcp-server' || relay ? <TargetSelect chosen={chosenConns} onChange={setChosenConns} connections={connections} /> : null}
        {relay ? (
          <TextField
            select
            size="small"
            label={t('composer.inject')}
            value={flow}
            onChange={(event) => setFlow(event.target.value === 'to-client' ? 'to-client' : 'to-server')}
            sx={{ minWidth: 220 }}
          >
            <MenuItem value="to-server">{t('composer.inject.toServer')}</MenuItem>
            <MenuItem value="to-client">{t('composer.inject.toClient')}</MenuItem>
          </TextField>
        ) : null}
        {kind === 'udp' ? <UdpTargetFields target={udp} /> : null}
        <Box sx={{ flex: 1 }} />
        {/* A sequence sends with send, which a relay answers with "use inject". */}
        {relay ? null : <SequencePanel sessionId={sessionId} open={isOpen} />}
        <SavedPayloadsButton onLoad={load} />
        <SavePayloadButton content={content} disabled={format === 'file' || value === ''} />
      </Stack>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        {format === 'file' ? (
          <FilePicker file={file} onFile={setFile} progress={fileProgress} onCancel={() => running.current?.abort()} disabled={!isOpen} />
        ) : (
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <TextField
              label={t('composer.payload')}
              multiline
              minRows={2}
              maxRows={8}
              fullWidth
              size="small"
              value={value}
              inputRef={field}
              onChange={(event) => {
                leave();
                setValue(event.target.value);
              }}
              onKeyDown={onKeyDown}
              placeholder={t(format === 'hex' ? 'composer.placeholder.hex' : 'composer.placeholder.text')}
              error={Boolean(problem)}
              helperText={problem ? problemWords(problem, say) : t('composer.help')}
              slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
            />
            {problem ? <ProblemMarker value={value} index={problem.index} /> : null}
          </Box>
        )}
        <Stack spacing={0.5} sx={{ mt: 0.25 }}>
          <Button variant="contained" disabled={!canSend} onClick={send}>
            {t('composer.send')}
          </Button>
          {repeatRun ? (
            <Button variant="outlined" color="warning" size="small" onClick={() => void engineRepeat.stop()}>
              {t('composer.repeat.stop')}
            </Button>
          ) : null}
        </Stack>
      </Stack>
      {format !== 'file' && !relay ? (
        <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-end', flexWrap: 'wrap' }}>
          <RepeatControls
            repeat={repeat}
            disabled={active}
            intervalText={intervalText}
            countText={countText}
            intervalProblem={intervalProblem}
            countProblem={countProblem}
            onRepeat={setRepeat}
            onInterval={setIntervalText}
            onCount={setCountText}
          />
          <Box sx={{ mt: 1 }}>
            <ChecksumField value={checksum} onChange={setChecksum} disabled={active} />
          </Box>
        </Stack>
      ) : null}
      {/* Only a payload with macros or a checksum sends other bytes than it shows. */}
      {format !== 'file' && !relay && isOpen && !problem && !empty && (checksum || value.includes('{{')) ? (
        <PayloadPreview sessionId={sessionId} payload={payload} />
      ) : null}
      {!isOpen ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {t('composer.notOpen')}
        </Typography>
      ) : null}
      {failure ? (
        <Box sx={{ mt: 1 }}>
          <ErrorAlert title={failure.title} error={failure.error} onClose={() => setFailure(undefined)} />
        </Box>
      ) : null}
      <Typography variant="caption" color="text.secondary" role="status" sx={{ display: 'block', minHeight: '1.5em' }}>
        {progressText}
      </Typography>
    </Box>
  );
});
