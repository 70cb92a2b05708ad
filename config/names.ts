import type { Problem } from "./problems";
import type { StackConfig } from "./schema";

/**
 * Namespaces the platform creates for itself: the gateway, data and monitoring tiers
 * (components/platform), the CloudNativePG operator (components/database/operator.ts), the node
 * exporter (components/monitoring), the log agents (components/logging) and the delivery
 * controller where an app releases blue-green or canary (components/delivery), and on Hetzner the
 * node maintenance (components/hetzner/upgrades.ts: k3s upgrades and reboots). The apps' namespace
 * (`kubernetes.namespace`) must be another, or the platform would register one twice.
 */
export const PLATFORM_NAMESPACES = [
  "gateway",
  "data",
  "monitoring",
  "cnpg-system",
  "monitoring-node",
  "logging-agent",
  "delivery",
  "system-upgrade",
] as const;

/** Namespaces every Kubernetes cluster already has: the platform cannot create them. */
export const KUBERNETES_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * Environment the platform gives every app (components/apps: PORT, JWT_SECRET; the data services'
 * connections: components/platform/app-env.ts, database, cache, storage). An app's own `env` must not
 * set them: the Secret would silently win over the ConfigMap, or PORT would move the app off its
 * container port.
 */
export const PLATFORM_ENV = [
  "PORT",
  "JWT_SECRET",
  "DATABASE_URL",
  "DATABASE_READ_URL",
  "REDIS_URL",
  "S3_ENDPOINT",
  "S3_REGION",
  "S3_BUCKET",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
] as const;

/** Gateway API: a Gateway holds at most 64 listeners (standard CRD, `spec.listeners` maxItems: 64). */
export const MAX_LISTENERS = 64;

/** Bucket of the AWS layer's own S3 access logs (components/aws/storage.ts), named like the others. */
export const AWS_ACCESS_LOG_BUCKET = "access-logs";

/**
 * Names of the policy pack's policies (policies/list.ts). Loaded only when a stack overrides one:
 * the pack is not otherwise part of the program.
 */
export function policyNames(): string[] {
  const { policies } = require("../policies/list") as typeof import("../policies/list");
  return policies.map((p) => p.name);
}

/** Gateway API ignores a trailing slash of a PathPrefix, so prefixes compare without it. */
const normalizePath = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

/** The host an app is served on: `<host>.<domain>`, or the apex. */
export const appHost = (domain: string, host: string) => (host ? `${host}.${domain}` : domain);

/**
 * Names that would collide once built: namespaces, buckets, an app's host and path, the Gateway's
 * listeners, the CDN's media host, and the environment the platform sets.
 */
export function nameProblems(c: StackConfig): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: (string | number)[], message: string, quiet = false) =>
    problems.push({ path, message, quiet });

  const ns = c.kubernetes.namespace;
  if ((PLATFORM_NAMESPACES as readonly string[]).includes(ns))
    problem(
      ["kubernetes", "namespace"],
      `must not be one of the platform's own namespaces (${PLATFORM_NAMESPACES.join(", ")})`,
    );
  if (KUBERNETES_NAMESPACES.includes(ns) || ns.startsWith("kube-"))
    problem(
      ["kubernetes", "namespace"],
      "must be a namespace the platform can create, not one Kubernetes makes (default, kube-*)",
    );

  const buckets = c.objectStorage.buckets;
  const byName = new Map<string, number>();
  const byPurpose = new Map<string, number>();
  buckets.forEach((b, i) => {
    const sameName = byName.get(b.name);
    if (sameName !== undefined)
      problem(
        ["objectStorage", "buckets", i, "name"],
        `must differ from objectStorage.buckets[${sameName}].name`,
      );
    else byName.set(b.name, i);
    const samePurpose = byPurpose.get(b.purpose);
    if (samePurpose !== undefined)
      problem(
        ["objectStorage", "buckets", i, "purpose"],
        `must differ from objectStorage.buckets[${samePurpose}].purpose: one bucket per purpose`,
      );
    else byPurpose.set(b.purpose, i);
    if (
      c.provider === "aws" &&
      c.objectStorage.mode === "managed" &&
      b.name === AWS_ACCESS_LOG_BUCKET
    )
      problem(
        ["objectStorage", "buckets", i, "name"],
        `must not be ${AWS_ACCESS_LOG_BUCKET}: the aws layer's S3 access-log bucket has that name`,
      );
  });
  // The platform's backups (dumps, WAL archive, media mirror) always land in the backup bucket;
  // MinIO also serves the apps' media bucket (components/storage).
  const needed = c.objectStorage.mode === "self-hosted" ? ["backup", "media"] : ["backup"];
  for (const purpose of needed)
    if (!byPurpose.has(purpose))
      problem(
        ["objectStorage", "buckets"],
        `must include a bucket of purpose ${purpose}${c.objectStorage.mode === "self-hosted" ? " (self-hosted object storage serves media and backups)" : " (the platform's backups land there)"}`,
        true,
      );

  // One HTTPS listener per public host, plus the HTTP listener that redirects.
  const served = new Map<string, number>();
  const hosts = new Set<string>([c.domain]);
  c.apps.forEach((app, i) => {
    const host = appHost(c.domain, app.host);
    if (host.length > 253)
      problem(["apps", i, "host"], "must leave the full host name within 253 characters");
    if (!app.public) return;
    hosts.add(host);
    const route = `${host}${normalizePath(app.pathPrefix)}`;
    const other = served.get(route);
    if (other !== undefined)
      problem(
        ["apps", i, "pathPrefix"],
        `must differ from apps[${other}]'s on the same host: both would serve ${route}`,
      );
    else served.set(route, i);
    if (c.cdn.enabled && app.host === c.cdn.mediaHost)
      problem(
        ["apps", i, "host"],
        "must differ from cdn.mediaHost: that host is the CDN's, serving the media bucket",
      );
  });
  if (hosts.size + 1 > MAX_LISTENERS)
    problem(
      ["apps"],
      `must name at most ${MAX_LISTENERS - 1} public hosts (the apex included): a Gateway holds ${MAX_LISTENERS} listeners, one per host plus the HTTP redirect (got ${hosts.size})`,
      true,
    );

  const overrides = Object.keys(c.policies.overrides);
  if (overrides.length > 0) {
    const known = policyNames();
    for (const name of overrides)
      if (!known.includes(name))
        problem(
          ["policies", "overrides", name],
          `must name a policy of the pack (policies/list.ts), such as ${known[0]}`,
          true,
        );
  }

  c.apps.forEach((app, i) => {
    for (const key of Object.keys(app.env))
      if ((PLATFORM_ENV as readonly string[]).includes(key))
        problem(
          ["apps", i, "env", key],
          "is set by the platform; give the app's own setting another name",
          true,
        );
  });
  return problems;
}
