import { memo } from 'react';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import SvgIcon from '@mui/material/SvgIcon';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { OptionSelect } from '../components/OptionSelect';
import { ProblemMarker } from '../composer/ProblemMarker';
import { useFormatNumber, useT } from '../i18n/i18n-context';

const LOG_DIRECTIONS = ['both', 'rx', 'tx'] as const;

export interface LogFilterState {
  query: string;
  queryKind: 'text' | 'hex';
  ignoreCase: boolean;
  /** Matches are marked among all rows, or are the only rows shown. */
  matchMode: 'highlight' | 'filter';
  direction: (typeof LOG_DIRECTIONS)[number];
  /** A connection id or UDP peer; empty for all. */
  source: string;
  /** Rows for listening, connects, FINs and closes are shown among the bytes. */
  events: boolean;
}

export const NO_FILTERS: LogFilterState = {
  query: '',
  queryKind: 'text',
  ignoreCase: true,
  matchMode: 'highlight',
  direction: 'both',
  source: '',
  events: true,
};

/** How many of the filters (not the query itself) differ from showing everything. */
export function activeFilters(filters: LogFilterState): number {
  return (
    (filters.queryKind === NO_FILTERS.queryKind ? 0 : 1) +
    (filters.matchMode === NO_FILTERS.matchMode ? 0 : 1) +
    (filters.direction === NO_FILTERS.direction ? 0 : 1) +
    (filters.source === NO_FILTERS.source ? 0 : 1) +
    (filters.events === NO_FILTERS.events ? 0 : 1)
  );
}

interface FilterProps {
  filters: LogFilterState;
  onChange: (next: LogFilterState) => void;
}

const STEP_ICONS = {
  [-1]: 'M7.41 15.41 12 10.83l4.59 4.58L18 14l-6-6-6 6z',
  [1]: 'M7.41 8.59 12 13.17l4.59-4.58L18 10l-6 6-6-6z',
} as const;

/**
 * The search box of the toolbar, with how many matches there are, which one is current and
 * the way to the next and previous (Enter, Shift+Enter; F3 from anywhere in the panel). A
 * query that cannot be read says where and why below it, as the composer does.
 */
export const LogSearchField = memo(function LogSearchField({
  filters,
  onChange,
  problem,
  matches,
  onStep,
}: FilterProps & {
  /** What is wrong with the query, in words, and where, if it cannot be searched for. */
  problem: { words: string; index: number } | undefined;
  /** Matches of the query among the rows shown, and the index of the current one; undefined when nothing is searched. */
  matches: { total: number; current: number | undefined } | undefined;
  onStep: (step: 1 | -1) => void;
}) {
  const t = useT();
  const formatNumber = useFormatNumber();
  const found = matches !== undefined && matches.total > 0;
  return (
    <>
      <TextField
        type="search"
        size="small"
        label={t('log.search')}
        placeholder={filters.queryKind === 'hex' ? t('log.search.hexPlaceholder') : undefined}
        value={filters.query}
        onChange={(event) => onChange({ ...filters, query: event.target.value })}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          onStep(event.shiftKey ? -1 : 1);
        }}
        error={problem !== undefined}
        helperText={
          problem ? (
            <>
              {t('log.search.invalid', { message: problem.words })}
              <ProblemMarker value={filters.query} index={problem.index} />
            </>
          ) : undefined
        }
        slotProps={{
          input: {
            endAdornment: matches ? (
              <InputAdornment position="end" sx={{ ml: 0.5 }}>
                <Typography
                  variant="caption"
                  color={found ? 'text.secondary' : 'warning.main'}
                  noWrap
                  role="status"
                  data-testid="log-match-count"
                >
                  {!found
                    ? t('log.search.none')
                    : matches.current === undefined
                      ? t('log.search.total', { count: matches.total })
                      : t('log.search.count', { current: formatNumber(matches.current + 1), total: formatNumber(matches.total) })}
                </Typography>
              </InputAdornment>
            ) : undefined,
          },
          formHelperText: {
            sx: {
              position: 'absolute',
              top: '100%',
              m: 0,
              whiteSpace: 'nowrap',
              zIndex: 1,
              bgcolor: 'background.paper',
              boxShadow: 2,
              px: 1,
              py: 0.5,
            },
          },
        }}
        sx={{ width: matches ? 190 : 150, flex: 'none' }}
      />
      {([-1, 1] as const).map((step) => (
        <Tooltip key={step} title={t(step === 1 ? 'log.search.next' : 'log.search.previous')}>
          <span>
            <IconButton
              size="small"
              disabled={!found}
              aria-label={t(step === 1 ? 'log.search.next' : 'log.search.previous')}
              onClick={() => onStep(step)}
              sx={{ p: 0.25 }}
            >
              <SvgIcon fontSize="small">
                <path d={STEP_ICONS[step]} />
              </SvgIcon>
            </IconButton>
          </span>
        </Tooltip>
      ))}
    </>
  );
});

/** Everything else that narrows or marks the rows, behind the toolbar's Filters button. */
export const LogFilters = memo(function LogFilters({ filters, onChange, sources }: FilterProps & { sources: readonly string[] }) {
  const t = useT();
  const change = (patch: Partial<LogFilterState>) => onChange({ ...filters, ...patch });
  // A filtered-on source that has since left the log stays choosable, so the select can show it.
  const choices = filters.source !== '' && !sources.includes(filters.source) ? [...sources, filters.source] : sources;

  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
      <ToggleButtonGroup
        exclusive
        size="small"
        aria-label={t('log.search.kind')}
        value={filters.queryKind}
        onChange={(_event, next: unknown) => {
          if (next === 'text' || next === 'hex') change({ queryKind: next });
        }}
      >
        <ToggleButton value="text">{t('log.text')}</ToggleButton>
        <ToggleButton value="hex">{t('log.hex')}</ToggleButton>
      </ToggleButtonGroup>
      {filters.queryKind === 'text' ? (
        <FormControlLabel
          control={<Checkbox checked={filters.ignoreCase} onChange={(event) => change({ ignoreCase: event.target.checked })} />}
          label={t('log.search.ignoreCase')}
        />
      ) : null}
      <ToggleButtonGroup
        exclusive
        size="small"
        aria-label={t('log.search.mode')}
        value={filters.matchMode}
        onChange={(_event, next: unknown) => {
          if (next === 'highlight' || next === 'filter') change({ matchMode: next });
        }}
      >
        <ToggleButton value="highlight">{t('log.search.highlight')}</ToggleButton>
        <ToggleButton value="filter">{t('log.search.filter')}</ToggleButton>
      </ToggleButtonGroup>
      <OptionSelect
        label={t('log.direction')}
        value={filters.direction}
        options={LOG_DIRECTIONS}
        optionLabel={(direction) => t(`log.direction.${direction}`)}
        onChange={(direction) => change({ direction })}
        minWidth={130}
      />
      <TextField
        select
        size="small"
        label={t('log.connection')}
        value={filters.source}
        onChange={(event) => change({ source: event.target.value })}
        sx={{ minWidth: 150 }}
      >
        <MenuItem value="">{t('log.connection.all')}</MenuItem>
        {choices.map((source) => (
          <MenuItem key={source} value={source}>
            {source}
          </MenuItem>
        ))}
      </TextField>
      <FormControlLabel
        control={<Checkbox checked={filters.events} onChange={(event) => change({ events: event.target.checked })} />}
        label={t('log.events')}
      />
    </Stack>
  );
});
