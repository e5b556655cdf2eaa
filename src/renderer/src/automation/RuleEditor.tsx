import { useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { compileRule, tryRule } from '@shared/auto-reply';
import { MacroCounters, type MacroContext } from '@shared/macros';
import {
  HEX_MATCH_KINDS,
  REPLY_TARGETS,
  TEMPLATE_FORMATS,
  TEXT_MATCH_KINDS,
  type AutoReplyRule,
  type TextMatchKind,
} from '@shared/contract';
import { formatHex, parseHex } from '@shared/hex';
import { MAX_REPLY_DELAY_MS, MAX_RULE_RATE_REPLIES, MAX_RULE_RATE_WINDOW_MS } from '@shared/limits';
import type { Capture } from '@shared/rule-match';
import { encodeText, problemWords } from '@shared/text-encoding';
import { toEscapedText } from '@shared/visible-text';
import { isOneOf } from '@shared/validate';
import { EncodingSelect, LineEndingSelect, OptionSelect } from '../components/OptionSelect';
import { useSay, useT } from '../i18n/i18n-context';
import type { RuleTrial } from '../store/inspector-store';
import { useInspector } from '../store/store-context';
import { MONO_FONT } from '../theme';
import { wholeNumber } from './automation-draft';

interface NumberText {
  delay: string;
  replies: string;
  perMs: string;
}

function captureText(capture: Capture): string {
  return 'bytes' in capture ? formatHex(capture.bytes) : capture.text;
}

/** The last message the session received, for testing a rule on real traffic. */
function useLastReceived(sessionId: string): Uint8Array | undefined {
  return useInspector((state) => {
    const entries = state.logs.get(sessionId)?.entries;
    if (!entries) return undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries.at(i);
      if (entry?.dir === 'rx') return entry.bytes;
    }
    return undefined;
  });
}

export interface RuleEditorProps {
  sessionId: string;
  rule: AutoReplyRule;
  onSave: (rule: AutoReplyRule) => void;
  onCancel: () => void;
  /** A message picked in the log: it becomes the trial message, tried at once. */
  trial?: RuleTrial;
}

/** A trial shows a reply's macros as a send now would fill them, with counters of its own at their start. */
function trialMacros(): MacroContext {
  return { now: Date.now(), random: (length) => crypto.getRandomValues(new Uint8Array(length)), counters: new MacroCounters() };
}

/** One rule's settings, checked as they are typed by the engine's own compiler, and a trial on a message before use. */
export function RuleEditor({ sessionId, rule: initial, onSave, onCancel, trial: picked }: RuleEditorProps) {
  const t = useT();
  const say = useSay();
  const [rule, setRule] = useState<AutoReplyRule>(initial);
  const [numbers, setNumbers] = useState<NumberText>({
    delay: String(initial.delayMs),
    replies: String(initial.rateLimit.replies),
    perMs: String(initial.rateLimit.perMs),
  });
  const [message, setMessage] = useState('');
  const [messageIsHex, setMessageIsHex] = useState(initial.match.on === 'hex');
  const [tested, setTested] = useState(false);
  const lastReceived = useLastReceived(sessionId);

  const delay = wholeNumber(numbers.delay, 0, MAX_REPLY_DELAY_MS);
  const replies = wholeNumber(numbers.replies, 1, MAX_RULE_RATE_REPLIES);
  const perMs = wholeNumber(numbers.perMs, 1, MAX_RULE_RATE_WINDOW_MS);
  const compiled = useMemo(() => compileRule(rule), [rule]);
  const problem = compiled.ok ? undefined : compiled.problem;
  const valid = compiled.ok && delay !== undefined && replies !== undefined && perMs !== undefined;

  const setMatch = (match: AutoReplyRule['match']) => {
    setRule({ ...rule, match });
    setTested(false);
  };
  const setReply = (reply: Partial<AutoReplyRule['reply']>) => {
    setRule({ ...rule, reply: { ...rule.reply, ...reply } });
    setTested(false);
  };

  const encoding = rule.match.on === 'text' ? rule.match.encoding : 'utf-8';
  const tryOn = (bytes: Uint8Array, now: boolean) => {
    setMessageIsHex(rule.match.on === 'hex');
    setMessage(rule.match.on === 'hex' ? formatHex(bytes) : toEscapedText(bytes, encoding));
    setTested(now);
  };
  const [seenTrial, setSeenTrial] = useState<number | undefined>(undefined);
  if (picked && picked.id !== seenTrial) {
    setSeenTrial(picked.id);
    tryOn(picked.bytes, true);
  }
  const messageBytes = useMemo(() => {
    if (messageIsHex) return parseHex(message);
    const encoded = encodeText(message, encoding);
    return encoded.ok
      ? ({ ok: true, bytes: encoded.bytes } as const)
      : ({ ok: false, message: encoded.message, phrase: encoded.phrase, index: encoded.index } as const);
  }, [message, messageIsHex, encoding]);

  const trial = tested && messageBytes.ok ? tryRule(rule, messageBytes.bytes, trialMacros()) : undefined;
  const kinds = rule.match.on === 'text' ? TEXT_MATCH_KINDS : HEX_MATCH_KINDS;
  const patternHelp =
    rule.match.on === 'hex'
      ? t('automation.editor.patternHelpHex')
      : rule.match.kind === 'regex'
        ? t('automation.editor.patternHelpRegex')
        : t('automation.editor.patternHelpText');
  const numberHelp = (value: number | undefined, min: number, max: number) =>
    value === undefined ? t('automation.editor.wholeNumber', { min, max }) : undefined;

  return (
    <Box
      component="section"
      aria-label={t('automation.editor.title')}
      sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1.5, my: 1 }}
    >
      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'flex-start' }}>
        <TextField
          size="small"
          label={t('automation.editor.name')}
          value={rule.name}
          onChange={(e) => setRule({ ...rule, name: e.target.value })}
          slotProps={{ htmlInput: { maxLength: 80 } }}
        />
        <OptionSelect
          label={t('automation.editor.matchOn')}
          value={rule.match.on}
          options={TEMPLATE_FORMATS}
          optionLabel={(on) => t(`automation.editor.on.${on}`)}
          onChange={(on) =>
            setMatch(
              on === 'hex'
                ? { on: 'hex', kind: rule.match.kind === 'regex' ? 'exact' : rule.match.kind, pattern: rule.match.pattern }
                : { on: 'text', kind: rule.match.kind, pattern: rule.match.pattern, encoding: 'utf-8', ignoreCase: false },
            )
          }
          minWidth={130}
        />
        <OptionSelect<TextMatchKind>
          label={t('automation.editor.kind')}
          value={rule.match.kind}
          options={kinds}
          optionLabel={(kind) => t(`automation.editor.kind.${kind}`)}
          onChange={(kind) => {
            if (rule.match.on === 'text') setMatch({ ...rule.match, kind });
            if (rule.match.on === 'hex' && isOneOf(HEX_MATCH_KINDS, kind)) setMatch({ ...rule.match, kind });
          }}
          minWidth={170}
        />
        {rule.match.on === 'text' ? (
          <>
            <EncodingSelect
              label={t('automation.editor.encoding')}
              value={rule.match.encoding}
              onChange={(encoding) => rule.match.on === 'text' && setMatch({ ...rule.match, encoding })}
            />
            <FormControlLabel
              control={
                <Checkbox
                  size="small"
                  checked={rule.match.ignoreCase}
                  onChange={(e) => rule.match.on === 'text' && setMatch({ ...rule.match, ignoreCase: e.target.checked })}
                />
              }
              label={t('automation.editor.ignoreCase')}
            />
          </>
        ) : null}
      </Stack>
      <TextField
        fullWidth
        size="small"
        sx={{ mt: 1.5 }}
        label={t('automation.editor.pattern')}
        value={rule.match.pattern}
        onChange={(e) => setMatch({ ...rule.match, pattern: e.target.value })}
        error={problem?.field === 'match'}
        helperText={problem?.field === 'match' ? t('automation.editor.problemMatch', { message: problemWords(problem, say) }) : patternHelp}
        slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
      />
      <Typography variant="subtitle2" component="h4" sx={{ mt: 1.5 }}>
        {t('automation.editor.reply')}
      </Typography>
      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'center', mt: 1 }}>
        <OptionSelect
          label={t('automation.editor.replyFormat')}
          value={rule.reply.format}
          options={TEMPLATE_FORMATS}
          optionLabel={(format) => t(`automation.editor.on.${format}`)}
          onChange={(format) => setReply({ format })}
        />
        {rule.reply.format === 'text' ? (
          <>
            <EncodingSelect
              label={t('automation.editor.encoding')}
              value={rule.reply.encoding}
              onChange={(encoding) => setReply({ encoding })}
            />
            <FormControlLabel
              control={<Checkbox size="small" checked={rule.reply.escapes} onChange={(e) => setReply({ escapes: e.target.checked })} />}
              label={t('automation.editor.escapes')}
            />
          </>
        ) : null}
        <LineEndingSelect
          label={t('automation.editor.lineEnding')}
          value={rule.reply.lineEnding}
          onChange={(lineEnding) => setReply({ lineEnding })}
        />
      </Stack>
      <TextField
        fullWidth
        multiline
        minRows={1}
        maxRows={6}
        size="small"
        sx={{ mt: 1.5 }}
        label={t('automation.editor.reply')}
        value={rule.reply.value}
        onChange={(e) => setReply({ value: e.target.value })}
        error={problem?.field === 'reply'}
        helperText={
          problem?.field === 'reply'
            ? t('automation.editor.problemReply', { message: problemWords(problem, say) })
            : t('automation.editor.replyHelp')
        }
        slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
      />
      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'flex-start', mt: 1.5 }}>
        <TextField
          size="small"
          label={t('automation.editor.delay')}
          value={numbers.delay}
          onChange={(e) => setNumbers({ ...numbers, delay: e.target.value })}
          error={delay === undefined}
          helperText={numberHelp(delay, 0, MAX_REPLY_DELAY_MS)}
          sx={{ width: 130 }}
        />
        <OptionSelect
          label={t('automation.editor.to')}
          value={rule.to}
          options={REPLY_TARGETS}
          optionLabel={(to) => t(to === 'sender' ? 'automation.rule.toSender' : 'automation.rule.toAll')}
          onChange={(to) => setRule({ ...rule, to })}
          minWidth={130}
        />
        <TextField
          size="small"
          label={t('automation.editor.rateReplies')}
          value={numbers.replies}
          onChange={(e) => setNumbers({ ...numbers, replies: e.target.value })}
          error={replies === undefined}
          helperText={numberHelp(replies, 1, MAX_RULE_RATE_REPLIES) ?? t('automation.editor.rateHelp')}
          sx={{ width: 170 }}
        />
        <TextField
          size="small"
          label={t('automation.editor.ratePer')}
          value={numbers.perMs}
          onChange={(e) => setNumbers({ ...numbers, perMs: e.target.value })}
          error={perMs === undefined}
          helperText={numberHelp(perMs, 1, MAX_RULE_RATE_WINDOW_MS)}
          sx={{ width: 130 }}
        />
      </Stack>

      <Box component="section" aria-label={t('automation.test.title')} sx={{ mt: 1.5, p: 1, bgcolor: 'action.hover', borderRadius: 1 }}>
        <Typography variant="subtitle2" component="h4">
          {t('automation.test.title')}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1, mt: 1 }}>
          <TextField
            size="small"
            label={t('automation.test.message')}
            value={message}
            onChange={(e) => {
              setMessage(e.target.value);
              setTested(false);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                setTested(true);
              }
            }}
            sx={{ flex: 1, minWidth: 200 }}
            slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off', style: { fontFamily: MONO_FONT } } }}
          />
          <FormControlLabel
            control={
              <Checkbox
                size="small"
                checked={messageIsHex}
                onChange={(e) => {
                  setMessageIsHex(e.target.checked);
                  setTested(false);
                }}
              />
            }
            label={t('automation.test.asHex')}
          />
          <Button
            size="small"
            disabled={!lastReceived}
            title={lastReceived ? undefined : t('automation.test.noneReceived')}
            onClick={() => lastReceived && tryOn(lastReceived, false)}
          >
            {t('automation.test.lastReceived')}
          </Button>
          <Button size="small" variant="outlined" onClick={() => setTested(true)}>
            {t('automation.test.run')}
          </Button>
        </Stack>
        <Box role="status" sx={{ mt: 1, minHeight: '1.5em' }}>
          {tested && !messageBytes.ok ? (
            <Typography variant="body2" color="error">
              {t('automation.test.badMessage', { message: problemWords(messageBytes, say) })}
            </Typography>
          ) : null}
          {trial?.kind === 'invalid' ? (
            <Typography variant="body2" color="error">
              {t('automation.test.invalid', { message: problemWords(trial.problem, say) })}
            </Typography>
          ) : null}
          {trial?.kind === 'no-match' ? <Typography variant="body2">{t('automation.test.noMatch')}</Typography> : null}
          {trial?.kind === 'match' ? (
            trial.reply.ok ? (
              <>
                <Typography variant="body2">{t('automation.test.match', { bytes: trial.reply.bytes.length })}</Typography>
                <Typography variant="body2" data-testid="rule-test-reply" sx={{ fontFamily: MONO_FONT, wordBreak: 'break-all' }}>
                  {rule.reply.format === 'hex' ? formatHex(trial.reply.bytes) : toEscapedText(trial.reply.bytes, rule.reply.encoding)}
                </Typography>
                <Typography variant="body2" color="text.secondary" sx={{ fontFamily: MONO_FONT, wordBreak: 'break-all' }}>
                  {t('automation.test.captures', {
                    captures: [
                      ...trial.match.numbered.map((c, i) => `$${i}=${captureText(c)}`),
                      ...[...trial.match.named].map(([name, c]) => `$${name}=${captureText(c)}`),
                    ].join('  '),
                  })}
                </Typography>
              </>
            ) : (
              <Typography variant="body2" color="error">
                {t('automation.test.replyFailed', { message: trial.reply.message })}
              </Typography>
            )
          ) : null}
        </Box>
      </Box>

      <Stack direction="row" spacing={1} sx={{ mt: 1.5 }}>
        <Button
          variant="contained"
          size="small"
          disabled={!valid}
          onClick={() => {
            if (delay === undefined || replies === undefined || perMs === undefined) return;
            onSave({ ...rule, delayMs: delay, rateLimit: { replies, perMs } });
          }}
        >
          {t('automation.editor.save')}
        </Button>
        <Button size="small" onClick={onCancel}>
          {t('automation.editor.cancel')}
        </Button>
      </Stack>
    </Box>
  );
}
