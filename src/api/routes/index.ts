import type { FastifyInstance } from "fastify";
import type { App } from "../../app.js";
import { registerHealthRoutes } from "./health.js";
import { registerIssueRoutes } from "./issue-routes.js";
import { registerExternalActorRoutes } from "./external-actor-routes.js";
import { registerGithubWebhookRoute } from "../../webhooks/github/github-webhook-route.js";

export type RouteModule = (server: FastifyInstance, app: App) => void | Promise<void>;

/** Every route module of the service, registered in this order. */
export const ROUTE_MODULES: RouteModule[] = [registerHealthRoutes, registerIssueRoutes, registerExternalActorRoutes, registerGithubWebhookRoute];
