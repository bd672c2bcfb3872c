import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { registerHealthRoutes } from "./health.js";
import { registerIssueRoutes } from "./issue-routes.js";
import { registerExternalActorRoutes } from "./external-actor-routes.js";
import { registerGithubWebhookRoute } from "../../webhooks/github/github-webhook-route.js";
import { registerAzureWebhookRoute } from "../../webhooks/azure-devops/azure-webhook-route.js";
import { registerJiraServerWebhookRoute } from "../../webhooks/jira-server/jira-server-webhook-route.js";
import { registerBitbucketRoutes } from "../../webhooks/bitbucket/bitbucket-routes.js";
import { registerOrganizationRoutes } from "./organization-routes.js";
import { registerMemberRoutes } from "./member-routes.js";
import { registerTeamRoutes } from "./team-routes.js";
import { registerProjectRoutes } from "./project-routes.js";
import { registerIssueListRoutes } from "./issue-list-routes.js";
import { registerOpenApiRoute } from "./openapi-routes.js";
import { registerOpsgenieAccountRoutes } from "./opsgenie-account-routes.js";
import { registerAlertRuleRoutes } from "./alert-rule-routes.js";
import { registerWebhookDeliveryRoutes } from "./webhook-delivery-routes.js";
import { registerIntakeRoutes } from "../intake/intake-routes.js";
import { registerAuthSessionRoutes } from "./auth-session-routes.js";
import { registerApiTokenRoutes } from "./api-token-routes.js";
import { registerExternalIssueRoutes } from "./external-issue-routes.js";
import { registerWebRoutes } from "../../web/web-routes.js";
import { registerInstallRoutes } from "../install/install-routes.js";

export type RouteModule = (server: FastifyInstance, app: App) => void | Promise<void>;

/** Every route module of the service, registered in this order. */
export const ROUTE_MODULES: RouteModule[] = [registerHealthRoutes, registerIssueRoutes, registerExternalActorRoutes, registerGithubWebhookRoute, registerAzureWebhookRoute, registerJiraServerWebhookRoute, registerBitbucketRoutes, registerOrganizationRoutes, registerMemberRoutes, registerTeamRoutes, registerProjectRoutes, registerIssueListRoutes, registerWebhookDeliveryRoutes, registerOpenApiRoute, registerIntakeRoutes, registerAuthSessionRoutes, registerApiTokenRoutes, registerExternalIssueRoutes, registerWebRoutes, registerOpsgenieAccountRoutes, registerAlertRuleRoutes, registerInstallRoutes];
