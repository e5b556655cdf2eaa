import { memo } from 'react';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { useT } from '../i18n/i18n-context';

export interface LogFilterState {
  query: string;
  queryKind: 'text' | 'hex';
  ignoreCase: boolean;
  /** Matches are marked among all rows, or are the only rows shown. */
  matchMode: 'highlight' | 'filter';
  direction: 'both' | 'rx' | 'tx';
  /** A connection id or UDP peer; empty for all. */
  source: string;
}

export const NO_FILTERS: LogFilterState = {
  query: '',
  queryKind: 'text',
  ignoreCase: true,
  matchMode: 'highlight',
  direction: 'both',
  source: '',
};

export const LogFilters = memo(function LogFilters({
  filters,
  onChange,
  sources,
  problemAt,
}: {
  filters: LogFilterState;
  onChange: (next: LogFilterState) => void;
  sources: readonly string[];
  /** Position (from 1) where the query cannot be read, if it cannot. */
  problemAt: number | undefined;
}) {
  const t = useT();
  const change = (patch: Partial<LogFilterState>) => onChange({ ...filters, ...patch });
  // A filtered-on source that has since left the log stays choosable, so the select can show it.
  const choices = filters.source !== '' && !sources.includes(filters.source) ? [...sources, filters.source] : sources;

  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
      <TextField
        type="search"
        label={t('log.search')}
        value={filters.query}
        onChange={(event) => change({ query: event.target.value })}
        error={problemAt !== undefined}
        helperText={problemAt === undefined ? undefined : t('log.search.invalid', { index: problemAt })}
        sx={{ width: 220 }}
      />
      <ToggleButtonGroup
        exclusive
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
        aria-label={t('log.search.mode')}
        value={filters.matchMode}
        onChange={(_event, next: unknown) => {
          if (next === 'highlight' || next === 'filter') change({ matchMode: next });
        }}
      >
        <ToggleButton value="highlight">{t('log.search.highlight')}</ToggleButton>
        <ToggleButton value="filter">{t('log.search.filter')}</ToggleButton>
      </ToggleButtonGroup>
      <TextField
        select
        label={t('log.direction')}
        value={filters.direction}
        onChange={(event) => change({ direction: event.target.value as LogFilterState['direction'] })}
        sx={{ width: 130 }}
      >
        <MenuItem value="both">{t('log.direction.both')}</MenuItem>
        <MenuItem value="rx">{t('log.direction.rx')}</MenuItem>
        <MenuItem value="tx">{t('log.direction.tx')}</MenuItem>
      </TextField>
      <TextField
        select
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
    </Stack>
  );
});
