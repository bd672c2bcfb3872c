import type { Logger } from "pino";

/** Told after an event's transaction committed: which group it landed in and what changed. */
export interface GroupEventNotice {
  groupId: number;
  projectId: number;
  organizationId: number;
  eventId: string;
  isNew: boolean;
  isRegression: boolean;
}

export type GroupEventHook = (notice: GroupEventNotice) => void | Promise<void>;

/** An explicit list of listeners for saved events (alert rules subscribe here); one per App. */
export class GroupEventHooks {
  private readonly hooks: GroupEventHook[] = [];

  /** Adds a hook; the returned function removes it. */
  register(hook: GroupEventHook): () => void {
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index !== -1) this.hooks.splice(index, 1);
    };
  }

  /** Calls every hook; a failing hook is logged and never fails intake (the event is already saved). */
  async emit(notice: GroupEventNotice, logger?: Logger): Promise<void> {
    for (const hook of this.hooks) {
      try {
        await hook(notice);
      } catch (err) {
        logger?.error({ err, groupId: notice.groupId }, "group event hook failed");
      }
    }
  }
}

const byOwner = new WeakMap<object, GroupEventHooks>();

/** The hook list of one App (created on first use), so tests' apps never share listeners. */
export function groupEventHooksFor(owner: object): GroupEventHooks {
  let hooks = byOwner.get(owner);
  if (!hooks) {
    hooks = new GroupEventHooks();
    byOwner.set(owner, hooks);
  }
  return hooks;
}
