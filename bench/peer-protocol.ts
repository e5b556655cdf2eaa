/** Requests to the peer process (bench/peer.ts) and its replies. Ports are on 127.0.0.1. */
export type PeerRequest = { id: number } & (
  | { cmd: 'tcp-connect'; port: number }
  | { cmd: 'tcp-blast'; total: number; chunk: number }
  | { cmd: 'tcp-paced'; size: number; rate: number; ms: number }
  | { cmd: 'udp-blast'; port: number; size: number; ms: number }
  | { cmd: 'udp-paced'; port: number; size: number; rate: number; ms: number }
  | { cmd: 'stop' }
  | { cmd: 'tcp-connect-many'; port: number; count: number }
  | { cmd: 'tcp-close-all' }
);

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type PeerCommand = WithoutId<PeerRequest>;

export interface PeerReply {
  id: number;
  ok: boolean;
  /** How long the request took in the peer. */
  ms: number;
  sent?: number;
  connected?: number;
  failed?: number;
  error?: string;
}
