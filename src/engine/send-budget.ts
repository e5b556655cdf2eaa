/**
 * One budget for the bytes that wait for peers to read them, across every TCP connection of
 * every session. Each connection has its own cap (MAX_SEND_QUEUE_BYTES); without a budget over
 * all of them, a thousand peers that never read could hold a thousand caps. A payload queued
 * on several connections is one buffer in memory, so it is charged once, and given back when
 * the last of those connections has handed it to the kernel or closed.
 */
export class SendBudget {
  private held = 0;
  /** What waits on each connection, by its label (`s1 c3`), to name the biggest in a refusal. */
  private readonly waiting = new Map<string, number>();

  constructor(readonly limit: number) {}

  get heldBytes(): number {
    return this.held;
  }

  fits(size: number): boolean {
    return this.held + size <= this.limit;
  }

  /**
   * Charge one payload of `size` bytes queued on the connections `labels` name; each of them
   * calls its release (the one at its index) once, when its write completes or it closes.
   */
  charge(size: number, labels: readonly string[]): (() => void)[] {
    this.held += size;
    let holders = labels.length;
    return labels.map((label) => {
      this.waiting.set(label, (this.waiting.get(label) ?? 0) + size);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = this.waiting.get(label)! - size;
        if (left === 0) this.waiting.delete(label);
        else this.waiting.set(label, left);
        holders -= 1;
        if (holders === 0) this.held -= size;
      };
    });
  }

  /** The connection with the most waiting, for the refusal's words. */
  largest(): { label: string; bytes: number } | undefined {
    let top: { label: string; bytes: number } | undefined;
    for (const [label, bytes] of this.waiting) if (!top || bytes > top.bytes) top = { label, bytes };
    return top;
  }
}
