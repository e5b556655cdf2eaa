import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  RELAY_FLOWS,
  type ChecksumOption,
  type LineEnding,
  type Payload,
  type RelayFlow,
  type SendReceipt,
  type SendTarget,
  type SessionKind,
  type TextEncodingName,
} from '@shared/contract';
import { convertPayload } from '@shared/payload-convert';
import { payloadProblem } from '@shared/payload';
import { problemWords } from '@shared/text-encoding';
import type { Result, ShownError } from '@shared/result';
import { useApi } from '../api/host-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { SectionPanel } from '../components/Panels';
import { useSay, useT } from '../i18n/i18n-context';
import { ChecksumField } from '../protocol/ChecksumField';
import { PayloadPreview } from '../protocol/PayloadPreview';
import { SequencePanel } from '../protocol/SequencePanel';
import { composerPayload, type ComposerFormat } from './composer-payload';
import { useComposerDrafts, useSendHistory } from './composer-stores';
import { EncodingSelect, LineEndingSelect, OptionSelect } from '../components/OptionSelect';
import { EscapesSwitch, FormatToggle, RepeatControls } from './ComposerOptions';
import { FILE_CHUNK_BYTES, UDP_FILE_CHUNK_BYTES } from '@shared/limits';
import { sendFile, type FileSendOutcome } from './file-send';
import { FilePicker, type FileProgress } from './FilePicker';
import type { SavedPayload, SavedPayloadContent } from './payload-library';
import { ProblemMarker } from './ProblemMarker';
import { MAX_REPEAT_COUNT, MAX_REPEAT_INTERVAL_MS, MIN_REPEAT_INTERVAL_MS, useEngineRepeat } from './repeat';
import { QuickSendList } from './QuickSend';
import { SavedPayloadsButton, SavePayloadButton } from './SavedPayloads';
import { payloadBlocker, targetBlocker, type SendBlocker } from './send-readiness';
import { SendHistoryButton } from './SendHistoryButton';
import { listenerTarget, TargetSelect } from './TargetSelect';
import { UdpTargetFields, useUdpTarget, type UdpRemote } from './UdpTargetFields';
import { useHistoryRecall, type CaretPlace } from './use-history-recall';
import { PayloadField } from './PayloadField';
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

/** The line beside Send: what the last action did, or a warning about one that could not be done. */
interface Outcome {
  text: string;
  warn: boolean;
}

const EMPTY_CONTENT: SavedPayloadContent = { format: 'text', value: '', encoding: 'utf-8', escapes: true, lineEnding: 'none' };

export interface ComposerProps {
  sessionId: string;
  kind: SessionKind;
  open: boolean;
  /** A UDP session's configured remote, where sends go until another is typed. */
  udpRemote: UdpRemote | undefined;
  /** The composer's section in the workspace's resizable group. */
  defaultSize: number;
  minSize: number;
}

/**
 * Memoized on its few props: a batch of traffic changes the session's counters, not these, and
 * must not redraw the composer's fields.
 */
export const Composer = memo(function Composer({ sessionId, kind, open: isOpen, udpRemote, defaultSize, minSize }: ComposerProps) {
  const t = useT();
  const say = useSay();
  const api = useApi();
  const connections = useSendTargets(sessionId);
  const addHistory = useSendHistory((state) => state.add);
  const waitForRoom = useRoomWaiter(connections);

  // What was typed comes back when this session is chosen again: the composer is keyed by session.
  const drafts = useComposerDrafts();
  const [initial] = useState(() => drafts.get(sessionId));
  const [mode, setMode] = useState<ComposerFormat>(initial?.mode ?? 'text');
  const [content, setContent] = useState<SavedPayloadContent>(initial?.content ?? EMPTY_CONTENT);
  useEffect(() => drafts.keep(sessionId, { mode, content }), [drafts, sessionId, mode, content]);
  const { value, encoding, escapes, lineEnding } = content;
  const setEncoding = useCallback((next: TextEncodingName) => setContent((was) => ({ ...was, encoding: next })), []);
  const setLineEnding = useCallback((next: LineEnding) => setContent((was) => ({ ...was, lineEnding: next })), []);
  const setEscapes = useCallback((next: boolean) => setContent((was) => ({ ...was, escapes: next })), []);
  const [checksum, setChecksum] = useState<ChecksumOption | undefined>(undefined);
  const [chosenConns, setChosenConns] = useState<string[]>([]);
  /** Relay: which way an injected payload goes. */
  const [flow, setFlow] = useState<RelayFlow>('to-server');
  const relay = kind === 'relay';
  const udp = useUdpTarget(udpRemote);

  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [status, setStatus] = useState<Outcome | undefined>(undefined);
  const tell = (text: string) => setStatus({ text, warn: false });

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

  const payload = useMemo<Payload>(() => ({ ...composerPayload(content), ...(checksum ? { checksum } : {}) }), [content, checksum]);
  const problem = useMemo(() => (mode === 'file' ? undefined : payloadProblem(payload)), [mode, payload]);
  const empty = value === '' && lineEnding === 'none';
  const interval = wholeNumber(intervalText, MIN_REPEAT_INTERVAL_MS, MAX_REPEAT_INTERVAL_MS);
  const count = countText.trim() === '' ? undefined : wholeNumber(countText, 1, MAX_REPEAT_COUNT);
  const intervalProblem = repeat && interval === undefined;
  const countProblem = repeat && countText.trim() !== '' && count === undefined;

  const activity = busy ? 'sending' : repeatRun ? 'repeating' : fileProgress ? 'file' : 'idle';
  const active = activity !== 'idle';
  const targetBlock = targetBlocker({
    kind,
    open: isOpen,
    activity,
    connections: connections.size,
    udp: { ready: udp.valid, portMissing: !udp.replyToLast && udp.port.trim() === '' },
  });
  const blocker: SendBlocker | undefined =
    targetBlock ??
    payloadBlocker({
      mode,
      problem,
      empty,
      file,
      repeat: { on: repeat, intervalProblem, countProblem },
    });
  const canSend = blocker === undefined;
  const reasonId = useId();

  /** Put a payload (recalled, or loaded from the library) into the composer. */
  const show = useCallback((item: SavedPayloadContent) => {
    setMode(item.format);
    setContent({ format: item.format, value: item.value, encoding: item.encoding, escapes: item.escapes, lineEnding: item.lineEnding });
  }, []);
  const history = useHistoryRecall(content, (entry, caret) => {
    pendingCaret.current = caret;
    show(entry);
  });
  const { leave } = history;
  const onPayloadChange = useCallback(
    (event: ChangeEvent<HTMLTextAreaElement | HTMLInputElement>) => {
      leave();
      const next = event.target.value;
      setContent((was) => ({ ...was, value: next }));
    },
    [leave],
  );

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

  /**
   * A send, or for a relay an inject into the chosen direction of the chosen pairs (all without
   * a choice); either carries a payload, or a file's chunk as bytes.
   */
  const deliver = async (body: Payload | Uint8Array, to: SendTarget | undefined): Promise<Result<SendReceipt>> => {
    const carried = body instanceof Uint8Array ? { bytes: body } : { payload: body };
    if (!relay) return api.send({ sessionId, ...carried, ...(to ? { to } : {}) });
    if (to?.type !== 'connections') return api.inject({ sessionId, flow, ...carried });
    const receipt: SendReceipt = { bytes: 0, targets: 0 };
    for (const connId of to.connIds) {
      const result = await api.inject({ sessionId, connId, flow, ...carried });
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
    if (result.ok) tell(t('composer.sent', { bytes: result.value.bytes, targets: result.value.targets }));
    else setFailure({ title: t('composer.sendFailed'), error: result.error });
  };

  /** A saved or earlier payload sent as it is, to the composer's target; what is typed stays. */
  const sendKept = async (item: SavedPayloadContent, name?: string) => {
    if (targetBlock) return;
    addHistory(item);
    clearOutcome();
    setBusy(true);
    const result = await deliver(composerPayload(item), target());
    setBusy(false);
    if (!result.ok) setFailure({ title: t('composer.sendFailed'), error: result.error });
    else if (name === undefined) tell(t('composer.sent', { bytes: result.value.bytes, targets: result.value.targets }));
    else tell(t('composer.sentSaved', { name, bytes: result.value.bytes, targets: result.value.targets }));
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
      setStatus({
        text: t(finished.state === 'stopped' ? 'composer.repeat.stopped' : 'composer.repeat.finished', { sent: finished.sent }),
        warn: false,
      });
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
        // Bytes as they are, a send's or a relay's inject: a Uint8Array over IPC, a binary frame in browser mode.
        send: (chunk) => deliver(chunk, to),
        waitForRoom,
        onProgress: (sent) => setFileProgress({ sent, total: chosen.size }),
      });
    } catch (error) {
      // A Blob read fails when the file was moved or changed after it was picked.
      setFileProgress(undefined);
      // The browser's own words are English whatever the page's language: its error's name is kept as the code.
      setFailure({
        title: t('composer.file.readFailed'),
        error: {
          code: error instanceof Error && error.name !== 'Error' ? error.name : 'READ_FAILED',
          message: t('composer.file.unreadable', { name: chosen.name }),
          hint: t('composer.file.unreadableHint'),
        },
      });
      return;
    }
    setFileProgress(undefined);
    if (outcome.done) tell(t('composer.file.done', { name: chosen.name, bytes: outcome.sent }));
    else if (outcome.error) setFailure({ title: t('composer.sendFailed'), error: outcome.error });
    else tell(t('composer.file.cancelled', { sent: outcome.sent, total: chosen.size }));
  };

  const send = () => {
    if (!canSend) return;
    if (mode === 'file') {
      if (file) void sendChosenFile(file);
    } else if (repeat && interval !== undefined) {
      void sendRepeated(interval);
    } else {
      void sendTyped();
    }
  };

  /**
   * Ctrl+Enter (⌘+Enter) sends from any control of the composer, caught before the control
   * sees it: a select would open its menu, a button would press itself. Keys from the
   * composer's dialogs and menus (rendered elsewhere in the page) are theirs.
   */
  const onComposerKey = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    if (!(event.target instanceof Node) || !event.currentTarget.contains(event.target)) return;
    event.preventDefault();
    event.stopPropagation();
    send();
  };

  /** Text ⇄ hex rewrites the payload in the other form, the same bytes; a file leaves it be. */
  const switchMode = (next: ComposerFormat) => {
    if (next === 'file' || next === content.format) {
      setMode(next);
      return;
    }
    const converted = convertPayload(content, next);
    const name = (format: ComposerFormat) => t(format === 'hex' ? 'composer.hex' : 'composer.text');
    if (!converted.ok) {
      // The field marks the problem; it is shown, so the user sees what to fix.
      setMode(content.format);
      setStatus({ text: t('composer.convert.failed', { from: name(content.format), to: name(next) }), warn: true });
      return;
    }
    leave();
    show(converted.payload);
    const notes = converted.notes.map((note) =>
      note === 'escapesTurnedOn'
        ? t('composer.convert.escapesTurnedOn', { encoding: t(`composer.encoding.${encoding}`) })
        : t('composer.convert.lineEndingFolded'),
    );
    setStatus(notes.length > 0 ? { text: notes.join(' '), warn: false } : undefined);
  };

  const load = useCallback(
    (item: SavedPayloadContent) => {
      leave();
      show(item);
    },
    [leave, show],
  );
  // Kept in a ref so the lists (memoized) do not redraw on every keystroke.
  const sendKeptRef = useRef(sendKept);
  sendKeptRef.current = sendKept;
  const quickSend = useCallback((item: SavedPayload) => void sendKeptRef.current(item, item.name), []);
  const resend = useCallback((item: SavedPayloadContent) => void sendKeptRef.current(item), []);

  const progressText = fileProgress
    ? t('composer.file.progress', { sent: fileProgress.sent, total: fileProgress.total })
    : repeatRun
      ? repeatRun.count === undefined
        ? t('composer.repeat.progressEndless', { sent: repeatRun.sent })
        : t('composer.repeat.progress', { sent: repeatRun.sent, count: repeatRun.count })
      : status?.text;
  const warn = !fileProgress && !repeatRun && status?.warn === true;
  const reason = blocker ? t(blocker.key, blocker.params) : undefined;

  const heldSend = targetBlock !== undefined;
  return (
    <SectionPanel
      id="composer"
      title={t('composer.label')}
      toggleName={t('composer.section')}
      defaultSize={defaultSize}
      minSize={minSize}
      // The log's partner: what the window gives or takes is shared between the two.
      sharesWindowChange
      onKeyDownCapture={onComposerKey}
      actions={
        <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
          {/* A sequence sends with send, which a relay answers with "use inject". */}
          {relay ? null : <SequencePanel sessionId={sessionId} open={isOpen} />}
          <SendHistoryButton onLoad={load} onSend={resend} sendDisabled={heldSend} />
          <SavedPayloadsButton onLoad={load} onSend={quickSend} sendDisabled={heldSend} />
          <SavePayloadButton content={content} disabled={mode === 'file' || value === ''} />
        </Stack>
      }
    >
      {/*
        The payload and Send come first, side by side, so a short composer (a small window, a
        section made small) still shows what a send needs; the options follow.
      */}
      <Box sx={{ px: 1.5, pb: 0.75 }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
          {mode === 'file' ? (
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <FilePicker
                file={file}
                onFile={setFile}
                progress={fileProgress}
                onCancel={() => running.current?.abort()}
                disabled={!isOpen}
              />
            </Box>
          ) : (
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <PayloadField
                label={t('composer.payload')}
                value={value}
                inputRef={field}
                onChange={onPayloadChange}
                onKeyDown={history.onKeyDown}
                placeholder={t(mode === 'hex' ? 'composer.placeholder.hex' : 'composer.placeholder.text')}
                error={Boolean(problem)}
                helperText={problem ? problemWords(problem, say) : t(mode === 'text' && !escapes ? 'composer.help.off' : 'composer.help')}
              />
              {problem ? <ProblemMarker value={value} index={problem.index} /> : null}
            </Box>
          )}
          <Stack spacing={0.5} sx={{ flex: 'none', alignItems: 'stretch', pt: 0.25 }}>
            <Button variant="contained" disabled={!canSend} onClick={send} {...(reason ? { 'aria-describedby': reasonId } : {})}>
              {t('composer.send')}
            </Button>
            {repeatRun ? (
              <Button variant="outlined" color="warning" size="small" onClick={() => void engineRepeat.stop()}>
                {t('composer.repeat.stop')}
              </Button>
            ) : null}
          </Stack>
        </Stack>
        {/* What the last action did, and why Send is disabled: empty lines take no room. */}
        <Box sx={{ textAlign: 'right' }}>
          <Typography variant="caption" role="status" color={warn ? 'warning.main' : 'text.secondary'} sx={{ display: 'block' }}>
            {progressText}
          </Typography>
          {reason ? (
            <Typography id={reasonId} variant="caption" color="text.secondary" sx={{ display: 'block' }}>
              {reason}
            </Typography>
          ) : null}
        </Box>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, mt: 0.5 }}>
          <FormatToggle format={mode} disabled={active} onChange={switchMode} />
          {mode === 'text' ? <EscapesSwitch on={escapes} onChange={setEscapes} /> : null}
          {mode === 'text' ? <EncodingSelect value={encoding} onChange={setEncoding} /> : null}
          {mode !== 'file' ? <LineEndingSelect value={lineEnding} onChange={setLineEnding} /> : null}
          {mode !== 'file' && !relay ? <ChecksumField value={checksum} onChange={setChecksum} disabled={active} /> : null}
          {kind === 'tcp-server' || relay ? (
            <TargetSelect chosen={chosenConns} onChange={setChosenConns} connections={connections} />
          ) : null}
          {relay ? (
            <OptionSelect
              label={t('composer.inject')}
              value={flow}
              options={RELAY_FLOWS}
              optionLabel={(to) => t(to === 'to-server' ? 'composer.inject.toServer' : 'composer.inject.toClient')}
              onChange={setFlow}
              minWidth={220}
            />
          ) : null}
          {kind === 'udp' ? <UdpTargetFields target={udp} /> : null}
          {mode !== 'file' && !relay ? (
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
          ) : null}
        </Stack>
        <Box sx={{ mt: 0.5, minWidth: 0 }}>
          <QuickSendList onSend={quickSend} disabled={heldSend} describedBy={targetBlock ? reasonId : undefined} />
        </Box>
        {/* Only a payload with macros or a checksum sends other bytes than it shows. */}
        {mode !== 'file' && isOpen && !problem && !empty && (checksum || value.includes('{{')) ? (
          <PayloadPreview sessionId={sessionId} payload={payload} />
        ) : null}
        {failure ? (
          <Box sx={{ mt: 1 }}>
            <ErrorAlert title={failure.title} error={failure.error} onClose={() => setFailure(undefined)} />
          </Box>
        ) : null}
      </Box>
    </SectionPanel>
  );
});
