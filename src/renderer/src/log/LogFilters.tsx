import { memo } from 'react';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { OptionSelect } from '../components/OptionSelect';
import { useT } from '../i18n/i18n-context';

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

/** The search box of the toolbar; a query that cannot be read says where and why below it. */
export const LogSearchField = memo(function LogSearchField({
  filters,
  onChange,
  problem,
}: FilterProps & {
  /** What is wrong with the query, in words, if it cannot be searched for. */
  problem: string | undefined;
}) {
  const t = useT();
  return (
    <TextField
      type="search"
      size="small"
      label={t('log.search')}
      placeholder={filters.queryKind === 'hex' ? t('log.search.hexPlaceholder') : undefined}
      value={filters.query}
      onChange={(event) => onChange({ ...filters, query: event.target.value })}
      error={problem !== undefined}
      helperText={problem}
      slotProps={{ formHelperText: { sx: { position: 'absolute', top: '100%', m: 0, whiteSpace: 'nowrap', zIndex: 1 } } }}
      sx={{ width: 170, flex: 'none' }}
    />
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
