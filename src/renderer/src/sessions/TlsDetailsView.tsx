import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { CertificateSummary, SessionConfig, TlsDetails } from '@shared/contract';
import { useT } from '../i18n/i18n-context';
import { MONO_FONT } from '../theme';

/** Whether a session speaks TLS, and whether it checks its peer: the header's badge says both. */
export function tlsState(config: SessionConfig): 'off' | 'verified' | 'unverified' {
  const upstream = config.kind === 'relay' ? config.upstreamTls : undefined;
  if ((!('tls' in config) || !config.tls) && !upstream) return 'off';
  // A listener checks nothing unless it asks for client certificates; only a client (a relay's upstream leg) trusts blindly.
  if (upstream) return upstream.verify ? 'verified' : 'unverified';
  return config.kind === 'tcp-client' && config.tls && !config.tls.verify ? 'unverified' : 'verified';
}

/** A relay's badge words: which of its legs speak TLS. */
function relayLegs(t: ReturnType<typeof useT>, config: SessionConfig): string | undefined {
  if (config.kind !== 'relay') return undefined;
  const legs = [
    config.tls ? t('sessions.tls.badgeLeg.client') : undefined,
    config.upstreamTls
      ? t(config.upstreamTls.verify ? 'sessions.tls.badgeLeg.upstream' : 'sessions.tls.badgeLeg.upstreamUnverified')
      : undefined,
  ].filter((leg) => leg !== undefined);
  return t('sessions.tls.badge.relay', { legs: legs.join(' · ') });
}

/** The session header's TLS badge: a warning colour when the client does not verify the server. */
export function TlsBadge({ config }: { config: SessionConfig }) {
  const t = useT();
  const state = tlsState(config);
  if (state === 'off') return null;
  const relay = relayLegs(t, config);
  if (state === 'verified') return <Chip size="small" color="success" variant="outlined" label={relay ?? t('sessions.tls.badge')} />;
  return (
    <Tooltip title={t('sessions.tls.verifyOffWarning')}>
      <Chip
        size="small"
        color="warning"
        label={relay ?? t('sessions.tls.badgeUnverified')}
        aria-label={`${t('sessions.tls.unverifiedTitle')}: ${t('sessions.tls.verifyOffWarning')}`}
      />
    </Tooltip>
  );
}

/** "TLS TLSv1.3, TLS_AES_256_GCM_SHA384 · ALPN h2 · peer verified": one line for the connection's status. */
export function tlsSummary(t: ReturnType<typeof useT>, tls: TlsDetails): string {
  return [
    t('sessions.tls.details', { protocol: tls.protocol, cipher: tls.cipher }),
    tls.alpn === undefined ? undefined : t('sessions.tls.alpnAgreed', { alpn: tls.alpn }),
    tls.servername === undefined ? undefined : t('sessions.tls.sni', { name: tls.servername }),
    tls.authorized
      ? t('sessions.tls.verified')
      : tls.authorizationError
        ? t('sessions.tls.notVerified', { reason: tls.authorizationError })
        : tls.peerCertificates.length > 0
          ? t('sessions.tls.notVerifiedPlain')
          : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

function CertificateEntry({ cert }: { cert: CertificateSummary }) {
  const t = useT();
  const row = (label: string, value: string) => (
    <Box sx={{ display: 'contents' }}>
      <Typography component="dt" variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="caption" sx={{ m: 0, fontFamily: MONO_FONT, wordBreak: 'break-all' }}>
        {value}
      </Typography>
    </Box>
  );
  return (
    <Box component="li" sx={{ mb: 0.75 }}>
      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 1, m: 0 }}>
        {row(t('sessions.tls.certSubject'), cert.selfSigned ? `${cert.subject} (${t('sessions.tls.selfSigned')})` : cert.subject)}
        {row(t('sessions.tls.certIssuer'), cert.issuer)}
        {row(t('sessions.tls.certValid'), t('sessions.tls.certValidRange', { from: cert.validFrom, to: cert.validTo }))}
        {cert.subjectAltName ? row(t('sessions.tls.certNames'), cert.subjectAltName) : null}
        {row(t('sessions.tls.certFingerprint'), cert.fingerprint256)}
      </Box>
    </Box>
  );
}

/**
 * The connection's handshake: the summary, and the peer's chain on request. Peer text is shown
 * as text. A relay pair has one per leg: `leg` names which.
 */
export function TlsDetailsView({ connId, tls, leg }: { connId: string; tls: TlsDetails; leg?: 'client' | 'upstream' | undefined }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Box
      aria-label={t(leg === 'upstream' ? 'sessions.tls.upstreamDetailsLabel' : 'sessions.tls.detailsLabel', { connId })}
      component="section"
    >
      <Typography variant="caption" color={tls.authorized || tls.peerCertificates.length === 0 ? 'text.secondary' : 'warning.main'}>
        {leg ? `${t(leg === 'upstream' ? 'sessions.tls.leg.upstream' : 'sessions.tls.leg.client')}: ` : ''}
        {tlsSummary(t, tls)}
      </Typography>{' '}
      <Button size="small" sx={{ py: 0, minWidth: 0, textTransform: 'none' }} aria-expanded={open} onClick={() => setOpen((was) => !was)}>
        {t('sessions.tls.chain')}
      </Button>
      {open ? (
        tls.peerCertificates.length === 0 ? (
          <Typography variant="caption" component="p" color="text.secondary">
            {t('sessions.tls.noChain')}
          </Typography>
        ) : (
          <Box component="ol" aria-label={t('sessions.tls.chain')} sx={{ m: 0, pl: 2.5 }}>
            {tls.peerCertificates.map((cert) => (
              <CertificateEntry key={cert.fingerprint256} cert={cert} />
            ))}
          </Box>
        )
      ) : null}
    </Box>
  );
}
