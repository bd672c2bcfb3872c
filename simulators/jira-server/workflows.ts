/** Jira's status categories (`/rest/api/2/statuscategory`): To Do, In Progress, Done (§3.4 `statusCategory`). */
export interface StatusCategory {
  id: number;
  key: "undefined" | "new" | "indeterminate" | "done";
  name: string;
  colorName: string;
}

export const STATUS_CATEGORIES: Record<StatusCategory["key"], StatusCategory> = {
  undefined: { id: 1, key: "undefined", name: "No Category", colorName: "medium-gray" },
  new: { id: 2, key: "new", name: "To Do", colorName: "blue-gray" },
  indeterminate: { id: 4, key: "indeterminate", name: "In Progress", colorName: "yellow" },
  done: { id: 3, key: "done", name: "Done", colorName: "green" },
};

export interface JiraStatus {
  id: string;
  name: string;
  description: string;
  icon: string;
  category: StatusCategory["key"];
}

/** The statuses a fresh Jira Software server has: the classic five plus the simplified workflow's two. */
export const DEFAULT_STATUSES: JiraStatus[] = [
  { id: "1", name: "Open", description: "The issue is open and ready for the assignee to start work on it.", icon: "open.png", category: "new" },
  { id: "3", name: "In Progress", description: "This issue is being actively worked on at the moment by the assignee.", icon: "inprogress.png", category: "indeterminate" },
  { id: "4", name: "Reopened", description: "This issue was once resolved, but the resolution was deemed incorrect. From here issues are either marked assigned or resolved.", icon: "reopened.png", category: "new" },
  { id: "5", name: "Resolved", description: "A resolution has been taken, and it is awaiting verification by reporter. From here issues are either reopened, or are closed.", icon: "resolved.png", category: "done" },
  { id: "6", name: "Closed", description: "The issue is considered finished, the resolution is correct. Issues which are closed can be reopened.", icon: "closed.png", category: "done" },
  { id: "10000", name: "To Do", description: "", icon: "generic.png", category: "new" },
  { id: "10001", name: "Done", description: "", icon: "generic.png", category: "done" },
];

/** One workflow transition; `from: "any"` is a global transition ("all statuses can transition to this one"). */
export interface WorkflowTransition {
  id: string;
  name: string;
  from: string[] | "any";
  to: string;
  /** The event the transition fires: the webhook's `issue_event_type_name`. */
  eventType: string;
}

export interface Workflow {
  name: string;
  initialStatusId: string;
  transitions: WorkflowTransition[];
}

export type WorkflowTemplate = "simplified" | "classic";

/** The workflows a project can use: Jira Software's simplified one (default) or Jira's classic `jira` workflow. */
export function workflowTemplate(template: WorkflowTemplate, projectKey: string): Workflow {
  if (template === "classic") {
    return {
      name: "jira",
      initialStatusId: "1",
      transitions: [
        { id: "4", name: "Start Progress", from: ["1", "4"], to: "3", eventType: "issue_work_started" },
        { id: "301", name: "Stop Progress", from: ["3"], to: "1", eventType: "issue_work_stopped" },
        { id: "5", name: "Resolve Issue", from: ["1", "3", "4"], to: "5", eventType: "issue_resolved" },
        { id: "2", name: "Close Issue", from: ["1", "3", "4", "5"], to: "6", eventType: "issue_closed" },
        { id: "3", name: "Reopen Issue", from: ["5", "6"], to: "4", eventType: "issue_reopened" },
      ],
    };
  }
  return {
    name: `Software Simplified Workflow for Project ${projectKey}`,
    initialStatusId: "10000",
    transitions: [
      { id: "11", name: "To Do", from: "any", to: "10000", eventType: "issue_generic" },
      { id: "21", name: "In Progress", from: "any", to: "3", eventType: "issue_generic" },
      { id: "31", name: "Done", from: "any", to: "10001", eventType: "issue_generic" },
    ],
  };
}

export function isWorkflowTemplate(value: unknown): value is WorkflowTemplate {
  return value === "simplified" || value === "classic";
}

/** The transitions offered from a status; a global transition is not offered to the status it leads to. */
export function availableTransitions(workflow: Workflow, statusId: string): WorkflowTransition[] {
  return workflow.transitions.filter((t) => (t.from === "any" ? t.to !== statusId : t.from.includes(statusId)));
}

/** The statuses a workflow uses, in first-use order. */
export function workflowStatusIds(workflow: Workflow): string[] {
  const ids = new Set<string>([workflow.initialStatusId]);
  for (const t of workflow.transitions) {
    if (t.from !== "any") for (const f of t.from) ids.add(f);
    ids.add(t.to);
  }
  return [...ids];
}
