import { randomUUID } from "node:crypto";
import type { SimResponse } from "../shared/sim-server.js";

/** Where each exception type lives in Azure DevOps, for the `typeName` of its error body. */
const ASSEMBLIES: Record<string, string> = {
  UnauthorizedRequestException: "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
  WorkItemUnauthorizedAccessException: "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemUnauthorizedAccessException, Microsoft.TeamFoundation.WorkItemTracking.Server",
  RuleValidationException: "Microsoft.TeamFoundation.WorkItemTracking.Server.RuleValidationException, Microsoft.TeamFoundation.WorkItemTracking.Server",
  WorkItemFieldInvalidException: "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemFieldInvalidException, Microsoft.TeamFoundation.WorkItemTracking.Server",
  WorkItemTypeNotFoundException: "Microsoft.TeamFoundation.WorkItemTracking.Server.Metadata.WorkItemTypeNotFoundException, Microsoft.TeamFoundation.WorkItemTracking.Server",
  WorkItemTrackingQueryException: "Microsoft.TeamFoundation.WorkItemTracking.Server.Query.WorkItemTrackingQueryException, Microsoft.TeamFoundation.WorkItemTracking.Server",
  ProjectDoesNotExistWithNameException: "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi",
  VssPropertyValidationException: "Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common",
  VssRequestContentTypeNotSupportedException: "Microsoft.VisualStudio.Services.WebApi.VssRequestContentTypeNotSupportedException, Microsoft.VisualStudio.Services.WebApi",
  VssVersionNotSpecifiedException: "Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException, Microsoft.VisualStudio.Services.WebApi",
  VssVersionOutOfRangeException: "Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi",
  VssInvalidPreviewVersionException: "Microsoft.VisualStudio.Services.WebApi.VssInvalidPreviewVersionException, Microsoft.VisualStudio.Services.WebApi",
  ArgumentException: "System.ArgumentException, mscorlib",
  ArgumentNullException: "System.ArgumentNullException, mscorlib",
  HttpException: "System.Web.HttpException, System.Web",
  SubscriptionNotFoundException: "Microsoft.VisualStudio.Services.ServiceHooks.WebApi.SubscriptionNotFoundException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi",
  SubscriptionInputException: "Microsoft.VisualStudio.Services.ServiceHooks.WebApi.SubscriptionInputException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi",
  AccountNotFoundException: "Microsoft.VisualStudio.Services.Account.AccountNotFoundException, Microsoft.VisualStudio.Services.WebApi",
};

/** The REST API's error body (§2.2): `$id`, `innerException`, `message`, `typeName`, `typeKey`, `errorCode`, `eventId`. */
export function vssError(status: number, message: string, typeKey: string, headers?: Record<string, string>): SimResponse {
  return {
    status,
    headers,
    body: {
      $id: "1",
      innerException: null,
      message,
      typeName: ASSEMBLIES[typeKey] ?? `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`,
      typeKey,
      errorCode: 0,
      // Framework (routing) errors carry event id 0; service exceptions 3000.
      eventId: typeKey === "HttpException" ? 0 : 3000,
    },
  };
}

/** The legacy token endpoint's PascalCase error body (§2.1), always HTTP 400 there. */
export function legacyOAuthError(error: string, description: string, status = 400): SimResponse {
  return { status, body: { Error: error, ErrorDescription: description } };
}

/** Entra ID's error body (§2.3): `AADSTSnnnn: text` plus trace and correlation ids and a timestamp. */
export function entraError(status: number, error: string, code: number, text: string, nowMs: number): SimResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(nowMs).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** An HTML error page, as the browser-facing authorize endpoints show instead of redirecting. */
export function errorPage(status: number, title: string, detail: string): SimResponse {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: `<!DOCTYPE html><html><head><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(detail)}</p></body></html>`,
  };
}
