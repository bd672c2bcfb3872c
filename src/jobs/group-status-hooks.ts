/** Told after a group's status change committed. */
export interface GroupStatusNotice {
  groupId: number;
  projectId: number;
  organizationId: number;
  status: "unresolved" | "resolved" | "ignored";
}

export type GroupStatusHook = (notice: GroupStatusNotice) => void | Promise<void>;

/** An explicit list of listeners for group status changes (resolving acknowledges alerts); one per store. */
export class GroupStatusHooks {
  private readonly hooks: GroupStatusHook[] = [];

  /** Adds a hook; the returned function removes it. */
  register(hook: GroupStatusHook): () => void {
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index !== -1) this.hooks.splice(index, 1);
    };
  }

  /** Calls every hook; a failing hook never fails the status change (it is already committed): hooks log their own errors. */
  async emit(notice: GroupStatusNotice): Promise<void> {
    for (const hook of this.hooks) {
      try {
        await hook(notice);
      } catch {
        // A hook reports its own failures; the change it was told about stands.
      }
    }
  }
}

const byOwner = new WeakMap<object, GroupStatusHooks>();

/**
 * The hook list of one store handle (`app.store.db`, created on first use): status changes are made
 * with a context that carries the database, not the App, so the database is the owner.
 */
export function groupStatusHooksFor(owner: object): GroupStatusHooks {
  let hooks = byOwner.get(owner);
  if (!hooks) {
    hooks = new GroupStatusHooks();
    byOwner.set(owner, hooks);
  }
  return hooks;
}
