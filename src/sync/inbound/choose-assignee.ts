/**
 * D9: among the users who can see the group's project, the one whose membership in the group's
 * organization is oldest; ties go to the lowest user id. Undefined when nobody qualifies.
 */
export function chooseAssignee(
  candidates: number[],
  projectId: number,
  projectsByUser: Map<number, Set<number>>,
  joinedAt: Map<number, string>,
): number | undefined {
  const eligible = candidates.filter((id) => projectsByUser.get(id)?.has(projectId));
  eligible.sort((a, b) => {
    const ja = joinedAt.get(a) ?? "\uffff";
    const jb = joinedAt.get(b) ?? "\uffff";
    return ja === jb ? a - b : ja < jb ? -1 : 1;
  });
  return eligible[0];
}
