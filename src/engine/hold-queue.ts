import type { HeldMessage, RelayFlow } from '@shared/contract';
import { createFramer, type Framer, type FramingConfig } from '@shared/framing';

/**
 * What one direction of one relayed pair holds while the user looks: the bytes cut into
 * messages by the session's framing (a datagram is a message as it is), in arrival order, the
 * frame still arriving last. Pure: the relay decides when to push, release or drop, and writes
 * what `take` gives back.
 */
export class HoldQueue {
  private readonly held: HeldMessage[] = [];
  private framer: Framer;
  /** The frame still arriving, once it has an id: the id stays when the frame completes. */
  private partialId: string | undefined;
  private partialBytes = 0;
  private total = 0;

  constructor(
    readonly connId: string,
    readonly flow: RelayFlow,
    private readonly framing: FramingConfig,
    private readonly nextId: () => string,
  ) {
    this.framer = createFramer(framing);
  }

  /** Held bytes, the frame still arriving included. */
  get bytes(): number {
    return this.total;
  }

  get count(): number {
    return this.held.length + (this.partialId === undefined ? 0 : 1);
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** A chunk of the stream; over TCP it may complete frames and start another. */
  push(bytes: Uint8Array, at: number): void {
    this.total += bytes.byteLength;
    const { frames, partial } = this.framer.push(bytes, at);
    for (const frame of frames) {
      const id = this.partialId ?? this.nextId();
      this.partialId = undefined;
      this.held.push({ id, connId: this.connId, flow: this.flow, at: frame.at, bytes: frame.bytes, edited: false, partial: false });
    }
    if (partial) this.partialId ??= this.nextId();
    else this.partialId = undefined;
    this.partialBytes = partial ? partial.bytes.byteLength : 0;
    // A framing that strips delimiters holds fewer bytes than arrived: count what is held.
    this.total = this.held.reduce((sum, m) => sum + m.bytes.byteLength, 0) + this.partialBytes;
  }

  /** A datagram: one message whatever the framing. */
  pushMessage(bytes: Uint8Array, at: number): void {
    this.held.push({ id: this.nextId(), connId: this.connId, flow: this.flow, at, bytes, edited: false, partial: false });
    this.total += bytes.byteLength;
  }

  /** Every held message, the one still arriving last. */
  messages(): HeldMessage[] {
    const partial = this.partialMessage();
    return partial ? [...this.held, partial] : [...this.held];
  }

  has(id: string): boolean {
    return this.held.some((m) => m.id === id) || this.partialId === id;
  }

  /**
   * Remove the messages chosen (all without `ids`) and answer them in order. Taking the frame
   * still arriving ends it there: what comes next starts a new one.
   */
  take(ids?: ReadonlySet<string>): HeldMessage[] {
    const chosen = (m: HeldMessage) => ids === undefined || ids.has(m.id);
    const taken = this.held.filter(chosen);
    const kept = this.held.filter((m) => !chosen(m));
    this.held.length = 0;
    this.held.push(...kept);
    const partial = this.partialMessage();
    if (partial && chosen(partial)) {
      taken.push(partial);
      this.restartFraming();
    }
    this.total = this.held.reduce((sum, m) => sum + m.bytes.byteLength, 0) + this.partialBytes;
    return taken;
  }

  /**
   * Replace a message's bytes; the frame still arriving becomes a message of its own (what comes
   * next starts a new frame). Answers the edited message, or undefined when none has that id.
   */
  edit(id: string, bytes: Uint8Array): HeldMessage | undefined {
    if (this.partialId === id) {
      const partial = this.partialMessage()!;
      this.restartFraming();
      this.held.push({ ...partial, partial: false });
    }
    const index = this.held.findIndex((m) => m.id === id);
    if (index < 0) return undefined;
    const edited = { ...this.held[index]!, bytes, edited: true };
    this.held[index] = edited;
    this.total = this.held.reduce((sum, m) => sum + m.bytes.byteLength, 0) + this.partialBytes;
    return edited;
  }

  /** The size of message `id`, for an edit's check against the limit. */
  sizeOf(id: string): number | undefined {
    if (this.partialId === id) return this.partialBytes;
    return this.held.find((m) => m.id === id)?.bytes.byteLength;
  }

  private partialMessage(): HeldMessage | undefined {
    if (this.partialId === undefined) return undefined;
    const frame = this.framer.partial();
    if (!frame) return undefined;
    return { id: this.partialId, connId: this.connId, flow: this.flow, at: frame.at, bytes: frame.bytes, edited: false, partial: true };
  }

  private restartFraming(): void {
    this.framer = createFramer(this.framing);
    this.partialId = undefined;
    this.partialBytes = 0;
  }
}
