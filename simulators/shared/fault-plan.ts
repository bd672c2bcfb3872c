/** A failure to inject into the next `count` matching requests. */
export interface FaultSpec {
  count: number;
  status?: number | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  delayMs?: number | undefined;
  /** Only requests whose path starts with this prefix are affected. */
  pathPrefix?: string | undefined;
}

/** Queue of injected faults, consumed in order by matching requests. */
export class FaultPlan {
  private readonly pending: FaultSpec[] = [];

  add(spec: FaultSpec): void {
    this.pending.push({ ...spec });
  }

  /** Takes the fault that applies to this request, if any, and counts it down. */
  take(path: string): FaultSpec | undefined {
    const index = this.pending.findIndex((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
    if (index < 0) return undefined;
    const fault = this.pending[index] as FaultSpec;
    fault.count -= 1;
    if (fault.count <= 0) this.pending.splice(index, 1);
    return fault;
  }

  clear(): void {
    this.pending.length = 0;
  }
}
