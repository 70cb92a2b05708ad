/**
 * The picture of a planned stack as a Mermaid flowchart, which GitHub renders in Markdown: the edge
 * in front, then in the region the documents' network tiers (`dmz`, `app`, `data`, `management`),
 * the node pools the placement started, and where the backups go, off-site and cross-region ones
 * outside the region. Built from what the plan already holds: the loaded config, the placement
 * and the registrations. Pure.
 */
import type { StackConfig } from "../config";
import { drRegionFor } from "../components/aws/backups";
import { Flowchart, mermaidId } from "./mermaid";
import type { PlanResult } from "./run";

const PROVIDER_NAMES: Record<StackConfig["provider"], string> = {
  aws: "AWS",
  digitalocean: "DigitalOcean",
  hetzner: "Hetzner Cloud",
  existing: "Existing cluster",
};

/** What each cloud's managed services are called (components/aws, components/digitalocean). */
const MANAGED = {
  aws: { postgres: "Amazon RDS PostgreSQL", cache: "ElastiCache Valkey", objects: "Amazon S3" },
  digitalocean: {
    postgres: "DigitalOcean Managed PostgreSQL",
    cache: "DigitalOcean Managed Valkey",
    objects: "DigitalOcean Spaces",
  },
} as Record<string, { postgres: string; cache: string; objects: string } | undefined>;

const hostName = (c: StackConfig, host: string) => (host ? `${host}.${c.domain}` : c.domain);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function edgeTier(g: Flowchart, c: StackConfig, users: string): string {
  const e = c.edge;
  const hosts = new Set(c.apps.filter((a) => a.public).map((a) => hostName(c, a.host)));
  if (e.provider === "none") {
    g.link(users, "dmz_lb");
    return "dmz_lb";
  }
  g.subgraph("edgeTier", "Edge", () => {
    const lines =
      e.provider === "cloudfront"
        ? [`CloudFront${e.waf ? " + AWS WAF" : ""}`]
        : [`Cloudflare ${e.plan}${e.waf ? " + WAF" : ""}${e.proxied ? ", proxied" : ""}`];
    const m = c.multiRegion;
    // A secondary region's CloudFront is its primary's distribution (config/region-schema.ts).
    if (e.provider === "cloudfront" && m.role === "secondary")
      lines.push(`the distribution of ${m.primaryStack}`);
    if (e.provider === "cloudfront" && m.group)
      lines.push("origin: Route 53 latency + health check");
    if (e.loadBalancing)
      lines.push(
        m.peers?.length
          ? `health-checked pools, ${plural(m.peers.length + 1, "region")} by latency`
          : "health-checked load balancer pools",
      );
    lines.push(plural(hosts.size, "host"));
    g.node("edge_proxy", lines, "hexagon");
  });
  g.link(users, "edge_proxy");
  g.link("edge_proxy", "dmz_lb", { label: e.originLock ? "origin locked" : undefined });
  return "edge_proxy";
}

function dmzTier(g: Flowchart, c: StackConfig) {
  g.subgraph("dmz", "DMZ", () => {
    const lb = c.provider === "existing" ? "the cluster's" : PROVIDER_NAMES[c.provider];
    g.node("dmz_lb", `${lb} load balancer`);
    g.node("dmz_gateway", ["Envoy Gateway", "TLS by cert-manager"]);
    g.link("dmz_lb", "dmz_gateway");
  });
}

function appTier(g: Flowchart, c: StackConfig) {
  const ids: string[] = [];
  g.subgraph("appTier", "App tier", () => {
    for (const a of c.apps) {
      const scale = a.autoscaling
        ? `${a.autoscaling.minReplicas}–${a.autoscaling.maxReplicas} replicas (HPA)`
        : plural(a.replicas, "replica");
      const path = a.pathPrefix && a.pathPrefix !== "/" ? a.pathPrefix : "";
      const reach = a.public ? `${hostName(c, a.host)}${path}` : "internal";
      ids.push(g.node(mermaidId("app", a.name), [a.name, scale, reach], "rounded"));
    }
  });
  for (const id of ids) g.link("dmz_gateway", id);
}

function postgresLines(c: StackConfig): string[] {
  const d = c.database;
  const managed = d.mode === "managed" ? MANAGED[c.provider] : undefined;
  const replicas = d.replicas ? ` + ${plural(d.replicas, "read replica")}` : "";
  return [
    `PostgreSQL ${d.version}`,
    managed ? managed.postgres : "CloudNativePG (self-hosted)",
    `primary${replicas}`,
    ...(managed && d.multiAz ? [`Multi-AZ, ${plural(d.standbys, "standby")}`] : []),
  ];
}

function dataTier(g: Flowchart, c: StackConfig): string | undefined {
  const managed = MANAGED[c.provider];
  let postgres: string | undefined;
  g.subgraph("dataTier", "Data tier", () => {
    if (c.database.mode !== "none") {
      postgres = g.node("data_postgres", postgresLines(c), "cylinder");
      if (c.database.pooler.enabled) {
        g.node("data_pooler", ["PgBouncer", `pool size ${c.database.pooler.defaultPoolSize}`]);
        g.link("data_pooler", postgres);
      }
    }
    if (c.cache.mode !== "none") {
      const cacheManaged = c.cache.mode === "managed" && managed;
      g.node(
        "data_cache",
        [
          cacheManaged ? managed.cache : "Valkey (self-hosted)",
          c.cache.shards > 1
            ? `cluster mode: ${c.cache.shards} shards × (primary + ${plural(c.cache.replicas, "replica")}), ${c.cache.memoryMb} MB each`
            : `${c.cache.memoryMb} MB, primary${c.cache.replicas ? ` + ${plural(c.cache.replicas, "replica")}` : ""}`,
          ...(c.cache.sentinel && c.cache.shards === 1 && !cacheManaged
            ? ["Sentinel failover"]
            : []),
        ],
        "cylinder",
      );
    }
    const o = c.objectStorage;
    const store =
      o.provider === "r2"
        ? "Cloudflare R2"
        : o.mode === "managed" && managed
          ? managed.objects
          : `MinIO × ${o.servers} (self-hosted, ${o.storageGb} GB)`;
    g.node(
      "data_objects",
      [store, `buckets: ${o.buckets.map((b) => b.name).join(", ")}`],
      "cylinder",
    );
  });
  const db = c.database.pooler.enabled ? "data_pooler" : postgres;
  if (db) g.link("appTier", db);
  if (c.cache.mode !== "none") g.link("appTier", "data_cache");
  g.link("appTier", "data_objects");
  if (c.cdn.enabled && c.edge.provider !== "cloudfront")
    g.link("users", "data_objects", { label: `CDN ${c.cdn.mediaHost}.${c.domain}` });
  return postgres;
}

function receivers(c: StackConfig): string {
  const r = c.monitoring.receivers;
  const to = [
    r.paging && r.paging !== "none" ? r.paging.type : undefined,
    r.email ? "email" : undefined,
    r.chat ? `chat ${r.chat.channel}` : undefined,
  ].filter(Boolean);
  return to.length ? `alerts → ${to.join(", ")}` : "alerts stay in Alertmanager";
}

/** Backup copies that leave the region: the off-site bucket and, on AWS, the paired region. */
function backupCopies(c: StackConfig): { id: string; lines: string[] }[] {
  const out: { id: string; lines: string[] }[] = [];
  const copy =
    c.provider === "aws" && c.database.mode === "managed" && c.database.crossRegionBackupCopy
      ? drRegionFor(c.region)
      : undefined;
  if (copy) out.push({ id: "backup_crossRegion", lines: ["AWS Backup copy", `region ${copy}`] });
  const o = c.backups.offsite;
  if (o)
    out.push({
      id: "backup_offsite",
      lines: [
        "off-site copy",
        `${new URL(o.endpoint).host}/${o.bucket}`,
        `region ${o.region}, cron ${o.schedule}`,
      ],
    });
  return out;
}

function management(g: Flowchart, c: StackConfig, postgres: string | undefined) {
  const b = c.backups;
  g.subgraph("management", "Management", () => {
    g.node("mgmt_monitoring", [
      "Prometheus + Grafana",
      `Alertmanager × ${c.monitoring.alertmanagerReplicas}`,
      receivers(c),
    ]);
    const l = c.logging;
    g.node("mgmt_logging", [
      l.backend === "loki" ? `Loki ${l.loki.mode}` : `Elasticsearch × ${l.elasticsearch.nodes}`,
      `${l.retentionDays} days`,
    ]);
    g.node("mgmt_backups", [
      "Backups",
      `cron ${b.schedule}`,
      `keep ${b.daily} daily, ${b.weekly} weekly, ${b.monthly} monthly`,
    ]);
  });
  if (postgres) g.link(postgres, "mgmt_backups", { dotted: true });
  g.link("data_objects", "mgmt_backups", { dotted: true, label: "file sync" });
}

/** What runs on each role's pool (components/k8s/placement: a role's pods select its pool). */
const RUNS_ON: Record<string, string> = {
  gateway: "dmz",
  app: "appTier",
  db: "dataTier",
  storage: "data_objects",
  monitoring: "management",
};

function nodePools(g: Flowchart, r: PlanResult, c: StackConfig) {
  g.subgraph("nodePools", "Node pools", () => {
    if (!r.placement) {
      const context = c.kubernetes.context ? ` (context ${c.kubernetes.context})` : "";
      g.node("pool_existing", [`existing cluster${context}`, "its nodes are not the stack's"]);
      return;
    }
    for (const p of r.placement.pools) {
      const zones = [...new Set(p.nodes.map((n) => n.zone).filter(Boolean))];
      const pool = c.nodePools[p.pool as keyof StackConfig["nodePools"]];
      const range = pool && pool.max > pool.min ? `, autoscaling ${pool.min}–${pool.max}` : "";
      const id = mermaidId("pool", p.pool);
      if (RUNS_ON[p.pool]) g.link(RUNS_ON[p.pool], id, { dotted: true, label: "runs on" });
      g.node(id, [
        `${p.pool}: ${p.type} × ${p.nodes.length}${range}`,
        ...(zones.length ? [`zones ${zones.join(", ")}`] : []),
      ]);
    }
  });
}

/** The stack as a Mermaid flowchart; undefined when the plan stopped before loading its config. */
export function diagram(r: PlanResult): string | undefined {
  const c = r.config;
  if (!c) return undefined;
  const g = new Flowchart("TB");
  const users = g.node("users", "Users", "stadium");
  edgeTier(g, c, users);
  let postgres: string | undefined;
  g.subgraph("region", `${PROVIDER_NAMES[c.provider]} ${c.region} (${c.tier} tier)`, () => {
    dmzTier(g, c);
    appTier(g, c);
    postgres = dataTier(g, c);
    management(g, c, postgres);
    nodePools(g, r, c);
  });
  const copies = backupCopies(c);
  for (const copy of copies) {
    g.node(copy.id, copy.lines, "cylinder");
    g.link("mgmt_backups", copy.id, { dotted: true });
  }
  return g.toString();
}

/** The diagram in a fenced block GitHub renders. */
export function diagramBlock(r: PlanResult): string | undefined {
  const d = diagram(r);
  return d === undefined ? undefined : `\`\`\`mermaid\n${d}\n\`\`\``;
}

/** docs/diagrams.md: one section and one Mermaid block per shipped stack, in the given order. */
export function diagramsDocument(blocks: [stack: string, block: string][]): string {
  const head = [
    "# Diagrams",
    "",
    "What each shipped stack builds, drawn by `npm run plan -- <stack> --diagram` from the offline",
    "plan: the edge, the DMZ, the app, data and management tiers in the region, the node pools the",
    "placement starts with, and where the backups go. Regenerate after a change with",
    "`node -r ./plan/register.js scripts/diagrams.ts`; tests/plan/diagram.test.ts fails while this",
    "file differs from what the command prints.",
  ];
  const sections = blocks.map(([stack, block]) => `## \`${stack}\`\n\n${block.trim()}`);
  return `${[head.join("\n"), ...sections].join("\n\n")}\n`;
}
