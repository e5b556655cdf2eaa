import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { LINE_ENDINGS, TEXT_ENCODINGS, type LineEnding, type Payload, type SendTarget, type TextEncodingName } from '../../../shared/contract';
import { payloadProblem } from '../../../shared/payload';
import type { AppError } from '../../../shared/result';
import { useApi } from '../api/api-context';
import { ErrorAlert } from '../components/ErrorAlert';
import type { MessageKey } from '../i18n/en';
import { useT } from '../i18n/i18n-context';
import { useInspector } from '../store/store-context';
import type { ConnectionView, SessionView } from '../store/views';
import { MONO_FONT } from '../theme';
import { composerPayload, type ComposerFormat, type TypedFormat } from './composer-payload';
import { FILE_CHUNK_BYTES, sendFile, UDP_FILE_CHUNK_BYTES, type FileSendOutcome } from './file-send';
import { FilePicker, type FileProgress } from './FilePicker';
import type { SavedPayloadContent } from './payload-library';
import { ProblemMarker } from './ProblemMarker';
import { MAX_REPEAT_COUNT, MAX_REPEAT_INTERVAL_MS, MIN_REPEAT_INTERVAL_MS, repeatSend } from './repeat';
import { SavedPayloadsButton, SavePayloadButton } from './SavedPayloads';
import { useSendHistory } from './send-history';
import { listenerTarget, TargetSelect } from './TargetSelect';
import { UdpTargetFields, useUdpTarget } from './UdpTargetFields';
import { useHistoryRecall, type CaretPlace } from './use-history-recall';
import { useRoomWaiter } from './use-room-waiter';

const NO_CONNECTIONS: ReadonlyMap<string, ConnectionView> = new Map();

const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

/** A whole number in [min, max] typed as digits, or undefined. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
}

interface Failure {
  title: string;
  error: AppError;
}

interface RepeatRun {
  sent: number;
  count: number | undefined;
}

export function Composer({ session }: { session: SessionView }) {
  const t = useT();
  const api = useApi();
  const connections = useInspector((state) => state.connections.get(session.id) ?? NO_CONNECTIONS);
  const addHistory = useSendHistory((state) => state.add);
  const waitForRoom = useRoomWaiter(connections);

  const [format, setFormat] = useState<ComposerFormat>('text');
  const [value, setValue] = useState('');
  const [encoding, setEncoding] = useState<TextEncodingName>('utf-8');
  const [lineEnding, setLineEnding] = useState<LineEnding>('none');
  const [chosenConns, setChosenConns] = useState<string[]>([]);
  const udp = useUdpTarget(session);

  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);

  const [repeat, setRepeat] = useState(false);
  const [intervalText, setIntervalText] = useState('1000');
  const [countText, setCountText] = useState('');
  const [repeatRun, setRepeatRun] = useState<RepeatRun | undefined>(undefined);

  const [file, setFile] = useState<File | undefined>(undefined);
  const [fileProgress, setFileProgress] = useState<FileProgress | undefined>(undefined);

  const running = useRef<AbortController | undefined>(undefined);
  const field = useRef<HTMLTextAreaElement | null>(null);
  const pendingCaret = useRef<CaretPlace | undefined>(undefined);

  const typedFormat: TypedFormat = format === 'hex' ? 'hex' : 'text';
  const payload = useMemo(() => composerPayload(typedFormat, value, lineEnding, encoding), [typedFormat, value, lineEnding, encoding]);
  const problem = useMemo(() => (format === 'file' ? undefined : payloadProblem(payload)), [format, payload]);
  const content: SavedPayloadContent = { format: typedFormat, value, encoding, lineEnding };

  const interval = wholeNumber(intervalText, MIN_REPEAT_INTERVAL_MS, MAX_REPEAT_INTERVAL_MS);
  const count = countText.trim() === '' ? undefined : wholeNumber(countText, 1, MAX_REPEAT_COUNT);
  const intervalProblem = repeat && interval === undefined;
  const countProblem = repeat && countText.trim() !== '' && count === undefined;

  const isOpen = session.state === 'open';
  const active = busy || repeatRun !== undefined || fileProgress !== undefined;
  const empty = value === '' && lineEnding === 'none';
  const targetReady = session.kind !== 'udp' || udp.valid;
  const canSend =
    isOpen &&
    !active &&
    targetReady &&
    (format === 'file' ? file !== undefined && file.size > 0 : !problem && !empty && (!repeat || (!intervalProblem && !countProblem)));

  const history = useHistoryRecall(content, (entry, caret) => {
    pendingCaret.current = caret;
    setFormat(entry.format);
    setValue(entry.value);
    setEncoding(entry.encoding);
    setLineEnding(entry.lineEnding);
  });

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
    if (session.kind === 'tcp-server') return listenerTarget(chosenConns, connections);
    if (session.kind === 'udp') return udp.target();
    return undefined;
  };

  const sendArgs = (body: Payload, to: SendTarget | undefined) => ({ sessionId: session.id, payload: body, ...(to ? { to } : {}) });

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
    const result = await api.send(args);
    setBusy(false);
    if (result.ok) setStatus(t('composer.sent', { bytes: result.value.bytes, targets: result.value.targets }));
    else setFailure({ title: t('composer.sendFailed'), error: result.error });
  };

  const sendRepeated = async (intervalMs: number) => {
    addHistory(content);
    const args = sendArgs(payload, target());
    const controller = startRun();
    setRepeatRun({ sent: 0, count });
    const outcome = await repeatSend({
      intervalMs,
      count,
      signal: controller.signal,
      sendOnce: async () => {
        const result = await api.send(args);
        return result.ok ? undefined : result.error;
      },
      onSent: (sent) => setRepeatRun({ sent, count }),
    });
    setRepeatRun(undefined);
    if (outcome.error) setFailure({ title: t('composer.repeat.failed', { sent: outcome.sent }), error: outcome.error });
    else if (controller.signal.aborted) setStatus(t('composer.repeat.stopped', { sent: outcome.sent }));
    else setStatus(t('composer.repeat.finished', { sent: outcome.sent }));
  };

  const sendChosenFile = async (chosen: File) => {
    const to = target();
    const controller = startRun();
    setFileProgress({ sent: 0, total: chosen.size });
    let outcome: FileSendOutcome;
    try {
      outcome = await sendFile({
        file: chosen,
        chunkBytes: session.kind === 'udp' ? UDP_FILE_CHUNK_BYTES : FILE_CHUNK_BYTES,
        signal: controller.signal,
        send: (base64) => api.send(sendArgs({ format: 'base64', value: base64, encoding: 'utf-8', escapes: false, lineEnding: 'none' }, to)),
        waitForRoom,
        onProgress: (sent) => setFileProgress({ sent, total: chosen.size }),
      });
    } catch (error) {
      // A Blob read fails when the file was moved or changed after it was picked.
      setFileProgress(undefined);
      setFailure({ title: t('composer.file.readFailed'), error: { code: 'READ_FAILED', message: error instanceof Error ? error.message : String(error), hint: '' } });
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

  const load = (item: SavedPayloadContent) => {
    history.leave();
    setFormat(item.format);
    setValue(item.value);
    setEncoding(item.encoding);
    setLineEnding(item.lineEnding);
  };

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
        <ToggleButtonGroup
          exclusive
          size="small"
          aria-label={t('composer.format')}
          value={format}
          disabled={active}
          onChange={(_event, next: unknown) => {
            if (next === 'text' || next === 'hex' || next === 'file') setFormat(next);
          }}
        >
          <ToggleButton value="text">{t('composer.text')}</ToggleButton>
          <ToggleButton value="hex">{t('composer.hex')}</ToggleButton>
          <ToggleButton value="file">{t('composer.file')}</ToggleButton>
        </ToggleButtonGroup>
        {format === 'text' ? (
          <TextField
            select
            size="small"
            label={t('composer.encoding')}
            value={encoding}
            onChange={(event) => {
              if (isOneOf(TEXT_ENCODINGS, event.target.value)) setEncoding(event.target.value);
            }}
            sx={{ minWidth: 120 }}
          >
            {TEXT_ENCODINGS.map((name) => (
              <MenuItem key={name} value={name}>
                {t(`composer.encoding.${name}` satisfies MessageKey)}
              </MenuItem>
            ))}
          </TextField>
        ) : null}
        {format !== 'file' ? (
          <TextField
            select
            size="small"
            label={t('composer.lineEnding')}
            value={lineEnding}
            onChange={(event) => {
              if (isOneOf(LINE_ENDINGS, event.target.value)) setLineEnding(event.target.value);
            }}
            sx={{ minWidth: 120 }}
          >
            {LINE_ENDINGS.map((ending) => (
              <MenuItem key={ending} value={ending}>
                {t(`composer.lineEnding.${ending}`)}
              </MenuItem>
            ))}
          </TextField>
        ) : null}
        {session.kind === 'tcp-server' ? <TargetSelect chosen={chosenConns} onChange={setChosenConns} connections={connections} /> : null}
        {session.kind === 'udp' ? <UdpTargetFields target={udp} /> : null}
        <Box sx={{ flex: 1 }} />
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
                history.leave();
                setValue(event.target.value);
              }}
              onKeyDown={onKeyDown}
              placeholder={t(format === 'hex' ? 'composer.placeholder.hex' : 'composer.placeholder.text')}
              error={Boolean(problem)}
              helperText={problem ? problem.message : t('composer.help')}
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
            <Button variant="outlined" color="warning" size="small" onClick={() => running.current?.abort()}>
              {t('composer.repeat.stop')}
            </Button>
          ) : null}
        </Stack>
      </Stack>
      {format !== 'file' ? (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, mt: 1 }}>
          <FormControlLabel
            control={<Switch size="small" checked={repeat} disabled={active} onChange={(event) => setRepeat(event.target.checked)} />}
            label={t('composer.repeat')}
            sx={{ mr: 0 }}
          />
          {repeat ? (
            <>
              <Tooltip describeChild title={t('composer.repeat.intervalTip')}>
                <TextField
                  size="small"
                  label={t('composer.repeat.interval')}
                  value={intervalText}
                  disabled={active}
                  onChange={(event) => setIntervalText(event.target.value)}
                  error={intervalProblem}
                  helperText={intervalProblem ? t('composer.repeat.intervalInvalid') : undefined}
                  slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
                  sx={{ width: 120 }}
                />
              </Tooltip>
              <Tooltip describeChild title={t('composer.repeat.countTip')}>
                <TextField
                  size="small"
                  label={t('composer.repeat.count')}
                  value={countText}
                  disabled={active}
                  placeholder="∞"
                  onChange={(event) => setCountText(event.target.value)}
                  error={countProblem}
                  helperText={countProblem ? t('composer.repeat.countInvalid') : undefined}
                  slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
                  sx={{ width: 100 }}
                />
              </Tooltip>
            </>
          ) : null}
        </Stack>
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
}
