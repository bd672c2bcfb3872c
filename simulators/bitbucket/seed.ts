import type { BitbucketState } from "./state.js";

/** The default world: team workspace `acme` (Ada owns it, Grace is a member) with repository `acme/backend`. */
export function seedDefaults(state: BitbucketState): void {
  const ada = state.addUser({ nickname: "ada", displayName: "Ada Lovelace", email: "ada@example.com" });
  const grace = state.addUser({ nickname: "grace", displayName: "Grace Hopper", email: "grace@example.com" });
  const ws = state.addWorkspace({ slug: "acme", name: "Acme", kind: "team", owner: ada.nickname });
  ws.members.add(grace.uuid);
  state.addRepository({ workspace: "acme", slug: "backend", name: "backend", description: "Acme's backend" });
}
