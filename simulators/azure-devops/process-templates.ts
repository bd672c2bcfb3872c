/** A work item state as `workitemtypes/{type}/states` lists it. */
export interface WorkItemState {
  name: string;
  color: string;
  category: "Proposed" | "InProgress" | "Resolved" | "Completed" | "Removed";
}

export type ProcessName = "Agile" | "Scrum" | "Basic";

const s = (name: string, color: string, category: WorkItemState["category"]): WorkItemState => ({ name, color, category });

// The states of Azure DevOps' system processes, colours as the service reports them.
const NEW = s("New", "b2b2b2", "Proposed");
const ACTIVE = s("Active", "007acc", "InProgress");
const RESOLVED = s("Resolved", "ff9d00", "Resolved");
const CLOSED = s("Closed", "339933", "Completed");
const REMOVED = s("Removed", "ffffff", "Removed");

const PROCESSES: Record<ProcessName, Record<string, WorkItemState[]>> = {
  Agile: {
    Bug: [NEW, ACTIVE, RESOLVED, CLOSED],
    "User Story": [NEW, ACTIVE, RESOLVED, CLOSED, REMOVED],
    Task: [NEW, ACTIVE, CLOSED, REMOVED],
    Feature: [NEW, ACTIVE, RESOLVED, CLOSED, REMOVED],
    Epic: [NEW, ACTIVE, RESOLVED, CLOSED, REMOVED],
    Issue: [ACTIVE, CLOSED],
  },
  Scrum: {
    Bug: [NEW, s("Approved", "b2b2b2", "Proposed"), s("Committed", "007acc", "InProgress"), s("Done", "339933", "Completed"), REMOVED],
    "Product Backlog Item": [NEW, s("Approved", "b2b2b2", "Proposed"), s("Committed", "007acc", "InProgress"), s("Done", "339933", "Completed"), REMOVED],
    Task: [s("To Do", "b2b2b2", "Proposed"), s("In Progress", "007acc", "InProgress"), s("Done", "339933", "Completed"), REMOVED],
    Feature: [NEW, s("In Progress", "007acc", "InProgress"), s("Done", "339933", "Completed"), REMOVED],
    Epic: [NEW, s("In Progress", "007acc", "InProgress"), s("Done", "339933", "Completed"), REMOVED],
    Impediment: [s("Open", "b2b2b2", "Proposed"), CLOSED],
  },
  Basic: {
    Issue: [s("To Do", "b2b2b2", "Proposed"), s("Doing", "007acc", "InProgress"), s("Done", "339933", "Completed")],
    Task: [s("To Do", "b2b2b2", "Proposed"), s("Doing", "007acc", "InProgress"), s("Done", "339933", "Completed")],
    Epic: [s("To Do", "b2b2b2", "Proposed"), s("Doing", "007acc", "InProgress"), s("Done", "339933", "Completed")],
  },
};

/** Work item type categories (`workitemtypecategories`) per process: reference name, display name, types. */
const CATEGORIES: Record<ProcessName, Array<[string, string, string[]]>> = {
  Agile: [
    ["Microsoft.BugCategory", "Bug Category", ["Bug"]],
    ["Microsoft.EpicCategory", "Epic Category", ["Epic"]],
    ["Microsoft.FeatureCategory", "Feature Category", ["Feature"]],
    ["Microsoft.RequirementCategory", "Requirement Category", ["User Story"]],
    ["Microsoft.TaskCategory", "Task Category", ["Task"]],
    ["Microsoft.HiddenCategory", "Hidden Types Category", ["Issue"]],
  ],
  Scrum: [
    ["Microsoft.BugCategory", "Bug Category", ["Bug"]],
    ["Microsoft.EpicCategory", "Epic Category", ["Epic"]],
    ["Microsoft.FeatureCategory", "Feature Category", ["Feature"]],
    ["Microsoft.RequirementCategory", "Requirement Category", ["Product Backlog Item"]],
    ["Microsoft.TaskCategory", "Task Category", ["Task"]],
    ["Microsoft.HiddenCategory", "Hidden Types Category", ["Impediment"]],
  ],
  Basic: [
    ["Microsoft.EpicCategory", "Epic Category", ["Epic"]],
    ["Microsoft.RequirementCategory", "Requirement Category", ["Issue"]],
    ["Microsoft.TaskCategory", "Task Category", ["Task"]],
  ],
};

/** The work item types a process defines, in Azure's spelling. */
export function workItemTypes(process: ProcessName): string[] {
  return Object.keys(PROCESSES[process]);
}

/** The type's canonical name (type names are case-insensitive in URLs), or undefined when the process lacks it. */
export function canonicalType(process: ProcessName, type: string): string | undefined {
  return workItemTypes(process).find((t) => t.toLowerCase() === type.toLowerCase());
}

/** The process's default states for a type. */
export function defaultStates(process: ProcessName, type: string): WorkItemState[] {
  return PROCESSES[process][type] ?? [];
}

/** The categories of a process as `[referenceName, name, types]`. */
export function workItemTypeCategories(process: ProcessName): Array<[string, string, string[]]> {
  return CATEGORIES[process];
}

export function isProcessName(value: unknown): value is ProcessName {
  return value === "Agile" || value === "Scrum" || value === "Basic";
}
