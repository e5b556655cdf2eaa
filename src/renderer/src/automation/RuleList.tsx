import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { AutoReplyRule, RuleStatus } from '@shared/contract';
import { formatClock } from '../format';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';

export interface RuleListProps {
  rules: readonly AutoReplyRule[];
  /** The engine's counts, by rule id, for the rules it runs now. */
  statuses: ReadonlyMap<string, RuleStatus>;
  editing: string | undefined;
  onToggle: (index: number, enabled: boolean) => void;
  onEdit: (index: number) => void;
  onMove: (index: number, by: -1 | 1) => void;
  onDelete: (index: number) => void;
}

/** The rules in the order they are tried, each with what it did; every action is a labelled button. */
export function RuleList({ rules, statuses, editing, onToggle, onEdit, onMove, onDelete }: RuleListProps) {
  const t = useT();
  if (rules.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {t('automation.noRules')}
      </Typography>
    );
  }
  return (
    <Box component="ol" aria-label={t('automation.rules')} sx={{ m: 0, p: 0, listStyle: 'none' }}>
      {rules.map((rule, index) => {
        const name = rule.name === '' ? t('automation.rule.unnamed', { n: index + 1 }) : rule.name;
        const status = statuses.get(rule.id);
        return (
          <Box
            component="li"
            key={rule.id}
            sx={{ borderBottom: 1, borderColor: 'divider', py: 0.5, opacity: editing === rule.id ? 0.6 : 1 }}
          >
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
              <Checkbox
                size="small"
                checked={rule.enabled}
                onChange={(e) => onToggle(index, e.target.checked)}
                slotProps={{ input: { 'aria-label': t('automation.rule.enabled', { name }) } }}
              />
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {name}
              </Typography>
              <Typography
                variant="body2"
                color="text.secondary"
                sx={{ fontFamily: MONO_FONT, wordBreak: 'break-all', flex: 1, minWidth: 120 }}
              >
                {t('automation.rule.summary', {
                  on: t(rule.match.on === 'text' ? 'automation.editor.on.text' : 'automation.editor.on.hex'),
                  kind: t(`automation.editor.kind.${rule.match.kind}`),
                  pattern: rule.match.pattern,
                  to: t(rule.to === 'all' ? 'automation.rule.toAll' : 'automation.rule.toSender'),
                })}
              </Typography>
              <Button size="small" aria-label={t('automation.rule.edit', { name })} onClick={() => onEdit(index)}>
                ✎
              </Button>
              <Button size="small" aria-label={t('automation.rule.up', { name })} disabled={index === 0} onClick={() => onMove(index, -1)}>
                ↑
              </Button>
              <Button
                size="small"
                aria-label={t('automation.rule.down', { name })}
                disabled={index === rules.length - 1}
                onClick={() => onMove(index, 1)}
              >
                ↓
              </Button>
              <Button size="small" color="error" aria-label={t('automation.rule.delete', { name })} onClick={() => onDelete(index)}>
                ✕
              </Button>
            </Stack>
            {status ? (
              <Typography variant="caption" color="text.secondary" data-testid={`rule-stats-${rule.id}`} sx={{ display: 'block', pl: 5 }}>
                {t('automation.rule.stats', { hits: status.hits, replies: status.replies, limited: status.limited })}
                {' · '}
                {status.lastHitAt === undefined
                  ? t('automation.rule.never')
                  : t('automation.rule.lastHit', { time: formatClock(status.lastHitAt) })}
                {status.failures > 0 ? ` · ${t('automation.rule.failures', { failures: status.failures })}` : ''}
              </Typography>
            ) : null}
            {status?.error ? (
              <Typography variant="caption" color="error" sx={{ display: 'block', pl: 5 }}>
                {status.error.message}
              </Typography>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}
