/**
 * A rule's rate limit: at most `replies` in any window of `perMs`, sliding, not reset on a clock
 * tick — so two auto-responders facing each other settle at the limit instead of bursting at
 * each window's start. The times of the last `replies` replies are kept in a ring.
 */
export class SlidingWindowLimit {
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly replies: number,
    readonly perMs: number,
  ) {
    this.times = new Float64Array(Math.max(1, Math.trunc(replies)));
  }

  /** Counts a reply at `now` (times never go back) and answers true, or answers false when the window is full. */
  take(now: number): boolean {
    const size = this.times.length;
    if (this.filled < size) {
      this.times[(this.next + this.filled) % size] = now;
      this.filled += 1;
      return true;
    }
    // The oldest of the last `size` replies: one more is allowed once it leaves the window.
    if (now - this.times[this.next]! < this.perMs) return false;
    this.times[this.next] = now;
    this.next = (this.next + 1) % size;
    return true;
  }
}
