/** The simulator's notion of now: real time plus an offset that the control API can move. */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
