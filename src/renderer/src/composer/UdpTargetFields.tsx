import { memo, useMemo, useState } from 'react';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import { hostSchema, remotePortSchema, type SendTarget, type SessionConfig } from '@shared/contract';
import { useSay, useT } from '../i18n/i18n-context';
import { firstIssue, parsePortText } from '../form-validation';

/** A UDP session's configured default destination. */
export type UdpRemote = NonNullable<Extract<SessionConfig, { kind: 'udp' }>['remote']>;

export interface UdpTarget {
  host: string;
  port: string;
  replyToLast: boolean;
  hostProblem: string | undefined;
  portProblem: string | undefined;
  valid: boolean;
  setHost(host: string): void;
  setPort(port: string): void;
  setReplyToLast(reply: boolean): void;
  target(): SendTarget;
}

/** Where a UDP send goes: typed host and port (the session's remote, if set) or the last sender. */
export function useUdpTarget(remote: UdpRemote | undefined): UdpTarget {
  const [host, setHost] = useState(remote?.host ?? '127.0.0.1');
  const [port, setPort] = useState(remote ? String(remote.port) : '');
  const [replyToLast, setReplyToLast] = useState(false);
  const say = useSay();
  // One object per change of its fields, so the fields (memoized) skip the composer's other renders.
  return useMemo(() => {
    const portNumber = parsePortText(port);
    // An untouched empty port is not an error yet; it just keeps Send disabled.
    const hostProblem = replyToLast ? undefined : firstIssue(hostSchema.safeParse(host.trim()), say);
    const portProblem = replyToLast || port === '' ? undefined : firstIssue(remotePortSchema.safeParse(portNumber), say);
    const valid = replyToLast || (!hostProblem && !portProblem && port !== '');
    const target = (): SendTarget => (replyToLast ? { type: 'last-sender' } : { type: 'address', host: host.trim(), port: portNumber });
    return { host, port, replyToLast, hostProblem, portProblem, valid, setHost, setPort, setReplyToLast, target };
  }, [host, port, replyToLast, say]);
}

export const UdpTargetFields = memo(function UdpTargetFields({ target }: { target: UdpTarget }) {
  const t = useT();
  return (
    <>
      <FormControlLabel
        control={<Checkbox checked={target.replyToLast} onChange={(event) => target.setReplyToLast(event.target.checked)} />}
        label={t('composer.replyToLast')}
      />
      <TextField
        label={t('composer.targetHost')}
        value={target.host}
        disabled={target.replyToLast}
        onChange={(event) => target.setHost(event.target.value)}
        error={Boolean(target.hostProblem)}
        helperText={target.hostProblem}
        sx={{ minWidth: 160 }}
      />
      <TextField
        label={t('composer.targetPort')}
        value={target.port}
        disabled={target.replyToLast}
        onChange={(event) => target.setPort(event.target.value)}
        error={Boolean(target.portProblem)}
        helperText={target.portProblem}
        slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'off' } }}
        sx={{ width: 110 }}
      />
    </>
  );
});
