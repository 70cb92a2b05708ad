import type { Registered } from "./mocks";

/**
 * Registrations that cannot all exist: two with one URN (the engine stops the update at the
 * second), or two that claim one physical object: a Kubernetes object by group, kind, namespace
 * and name, a Helm release by namespace and name, a cloud resource by its type and the name the
 * provider knows it by. The config gate refuses the known causes; this is the plan's backstop,
 * so that a collision is a refused config, not an error halfway through `pulumi up`.
 */
export interface Collision {
  /** What both claim: the URN, or `<kind> <namespace>/<name>`. */
  identity: string;
  urns: string[];
  /** The names the colliding objects carry, for finding the config keys behind them. */
  names: string[];
}

/** Inputs that name a cloud resource for its provider, the most specific first. */
const NAME_INPUTS = [
  "name",
  "bucket",
  "identifier",
  "replicationGroupId",
  "nodeGroupName",
  "addonName",
  "clusterName",
];

/** Inputs that scope a cloud name: an IAM inline policy is named within its role. */
const SCOPES: Record<string, string[]> = {
  "aws:iam/rolePolicy:RolePolicy": ["role"],
  "aws:eks/nodeGroup:NodeGroup": ["clusterName"],
  "aws:eks/addon:Addon": ["clusterName"],
  "aws:eks/accessEntry:AccessEntry": ["clusterName"],
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ["clusterName"],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": ["clusterName"],
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool": ["clusterId"],
  "digitalocean:index/databaseDb:DatabaseDb": ["clusterId"],
  "digitalocean:index/databaseUser:DatabaseUser": ["clusterId"],
  "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool": ["clusterId"],
  "digitalocean:index/databaseReplica:DatabaseReplica": ["clusterId"],
};

const text = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

/** The physical identity of a registration, or undefined when the provider names it itself. */
export function physicalIdentity(r: Registered): { id: string; names: string[] } | undefined {
  if (!r.custom) return undefined;
  if (r.type.startsWith("kubernetes:")) {
    // Patches and server-side-apply partial objects share the name of what they patch.
    if (/Patch$/.test(r.type)) return undefined;
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      const name = r.inputs.name;
      if (typeof name !== "string") return undefined;
      const ns = text(r.inputs.namespace) || "default";
      return { id: `helm release ${ns}/${name}`, names: [name, ns] };
    }
    const m = /^kubernetes:(?:(.+)\/)?v[^:]*:(\w+)$/.exec(r.type);
    const name = r.inputs.metadata?.name;
    if (!m || typeof name !== "string") return undefined;
    const [, group = "core", kind] = m;
    const ns = text(r.inputs.metadata?.namespace);
    return { id: `${group}/${kind} ${ns ? `${ns}/` : ""}${name}`, names: ns ? [name, ns] : [name] };
  }
  if (!/^(aws|digitalocean|hcloud):/.test(r.type)) return undefined;
  const scopes = SCOPES[r.type] ?? [];
  const key = NAME_INPUTS.find(
    (k) => !scopes.includes(k) && typeof r.inputs[k] === "string" && r.inputs[k],
  );
  if (!key) return undefined;
  const scope = scopes.map((k) => text(r.inputs[k])).join("/");
  const name = r.inputs[key] as string;
  return { id: `${r.type} ${scope ? `${scope}/` : ""}${name}`, names: [name] };
}

/** Every URN and every physical identity registered more than once. */
export function collisions(resources: readonly Registered[]): Collision[] {
  const out: Collision[] = [];
  const byUrn = new Map<string, number>();
  for (const r of resources) byUrn.set(r.urn, (byUrn.get(r.urn) ?? 0) + 1);
  for (const [urn, n] of byUrn)
    if (n > 1) out.push({ identity: urn, urns: [urn], names: [urn.split("::").pop() ?? urn] });
  const byIdentity = new Map<string, { urns: string[]; names: string[] }>();
  for (const r of resources) {
    const id = physicalIdentity(r);
    if (!id) continue;
    const seen = byIdentity.get(id.id) ?? { urns: [], names: id.names };
    seen.urns.push(r.urn);
    byIdentity.set(id.id, seen);
  }
  for (const [identity, { urns, names }] of byIdentity)
    if (new Set(urns).size > 1) out.push({ identity, urns: [...new Set(urns)], names });
  return out;
}

/** Paths of the config's text values, `apps[0].name` style, with the value at each. */
function leaves(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}

/**
 * Problem lines for the collisions, one per config key whose value names a colliding object (the
 * whole name, or its last dash-separated part: physical names carry the stack's prefix).
 */
export function collisionProblems(found: readonly Collision[], config: object): string[] {
  const keys = leaves(config).filter(([, v]) => v.length >= 2);
  const lines: string[] = [];
  for (const c of found) {
    const named = keys.filter(([, v]) =>
      c.names.some((n) => n === v || n.endsWith(`-${v}`) || n.startsWith(`${v}-`)),
    );
    const what = `names ${c.identity}, which ${c.urns.length > 1 ? `${c.urns.length} resources` : "two registrations"} of the stack would claim`;
    if (named.length === 0) lines.push(`platform: ${what} (no key of the stack config names it)`);
    for (const [path] of named) lines.push(`platform:${path}: ${what}`);
  }
  return [...new Set(lines)];
}
