/**
 * How long a first `pulumi up` takes: typical creation times per resource type laid over the
 * recorded dependency graph, whose longest chain is the wall time (the engine creates every
 * resource whose dependencies are done in parallel; https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/).
 */
import type { Registered } from "./mocks";

/** A typical creation time and where the figure comes from ("estimate" where nothing public says). */
export interface CreationTime {
  minutes: number;
  source: string;
}

/** What the provider waits for decides the time; `when` narrows a type by its inputs. */
interface Row extends CreationTime {
  type: string;
  when?: (inputs: Record<string, any>) => boolean;
  label: string;
}

const TF_AWS = "https://github.com/hashicorp/terraform-provider-aws";
const LOAD_BALANCER: CreationTime = {
  minutes: 3,
  source: "estimate: a cloud load balancer's address is assigned within a few minutes",
};

/** Typical creation times, first match wins. Where a provider wait has a timeout, it bounds these. */
export const CREATION_TIMES: readonly Row[] = [
  {
    type: "aws:eks/cluster:Cluster",
    label: "EKS control plane",
    minutes: 10,
    source:
      "https://aws.amazon.com/about-aws/whats-new/2021/03/amazon-eks-reduces-cluster-creation-time-40-percent/ " +
      "(9 minutes or less on average); https://github.com/aws/containers-roadmap/issues/1227 (10-14 in reports)",
  },
  {
    type: "aws:eks/nodeGroup:NodeGroup",
    label: "EKS managed node group",
    minutes: 4,
    source:
      "https://github.com/aws/containers-roadmap/issues/1227 (about 14 minutes for control plane and " +
      "workers together, 9-10 for the control plane)",
  },
  {
    type: "aws:eks/addon:Addon",
    label: "EKS add-on",
    minutes: 2,
    source: "estimate: the add-on's pods start on the new nodes",
  },
  {
    type: "aws:rds/instance:Instance",
    when: (i) => !!i.replicateSourceDb,
    label: "RDS read replica",
    minutes: 12,
    source:
      "estimate: a snapshot of the primary restored as a new instance; " +
      "https://github.com/hashicorp/terraform-provider-aws/issues/179 (grows with the data)",
  },
  {
    type: "aws:rds/instance:Instance",
    when: (i) => !!i.multiAz,
    label: "RDS instance, Multi-AZ",
    minutes: 15,
    source: "estimate: a primary and its standby in a second zone (provider create timeout 40 min)",
  },
  {
    type: "aws:rds/instance:Instance",
    label: "RDS instance",
    minutes: 10,
    source: "estimate (provider create timeout 40 min)",
  },
  {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    label: "ElastiCache replication group",
    minutes: 10,
    source:
      "https://github.com/hashicorp/terraform/pull/8275 (acceptance test of a cluster: 395 s); " +
      `${TF_AWS}/pull/2048 (Multi-AZ groups can take much longer)`,
  },
  {
    type: "aws:cloudfront/distribution:Distribution",
    label: "CloudFront distribution",
    minutes: 15,
    source:
      "https://github.com/hashicorp/terraform/issues/8749 (15 to 20 minutes to Deployed); " +
      "https://docs.aws.amazon.com/cli/latest/reference/cloudfront/wait/distribution-deployed.html",
  },
  {
    type: "aws:acm/certificateValidation:CertificateValidation",
    label: "ACM DNS validation",
    minutes: 5,
    source: "estimate: the validation record must resolve before ACM issues",
  },
  {
    type: "aws:ec2/natGateway:NatGateway",
    label: "NAT gateway",
    minutes: 2,
    source: "estimate",
  },
  { type: "aws:lb/loadBalancer:LoadBalancer", label: "AWS load balancer", ...LOAD_BALANCER },
  {
    type: "digitalocean:index/kubernetesCluster:KubernetesCluster",
    label: "DOKS cluster",
    minutes: 7,
    source:
      "estimate; https://github.com/digitalocean/terraform-provider-digitalocean/pull/650 " +
      "(clusters take a while, create timeout raised to 30 min)",
  },
  {
    type: "digitalocean:index/databaseCluster:DatabaseCluster",
    label: "DO database cluster",
    minutes: 8,
    source:
      "estimate; https://github.com/ansible-collections/community.digitalocean/pull/135 " +
      "(creation wait raised to 900 s)",
  },
  {
    type: "digitalocean:index/databaseReplica:DatabaseReplica",
    label: "DO database replica",
    minutes: 8,
    source: "estimate, as its cluster",
  },
  {
    type: "digitalocean:index/loadBalancer:LoadBalancer",
    label: "DO load balancer",
    ...LOAD_BALANCER,
  },
  {
    type: "hcloud:index/server:Server",
    label: "Hetzner server",
    minutes: 1,
    source: "estimate: the provider waits for the server to run, not for cloud-init",
  },
  {
    // components/hetzner/kubeconfig.ts: it waits for cloud-init (package upgrade, then k3s).
    type: "command:remote:Command",
    label: "kubeconfig over SSH",
    minutes: 6,
    source: "estimate: cloud-init's package upgrade, then k3s's first start",
  },
  {
    type: "hcloud:index/loadBalancer:LoadBalancer",
    label: "Hetzner load balancer",
    minutes: 1,
    source: "estimate",
  },
  {
    // The gateway asks Pulumi to wait for its address (pulumi.com/waitFor): the cloud's load
    // balancer behind the Envoy Service.
    type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    when: (i) => !!i.metadata?.annotations?.["pulumi.com/waitFor"],
    label: "Gateway waiting for its load balancer",
    ...LOAD_BALANCER,
  },
  {
    type: "kubernetes:helm.sh/v3:Release",
    label: "Helm release waiting for readiness",
    minutes: 3,
    source:
      "estimate: skipAwait false waits for the chart's workloads, up to the release timeout " +
      "(300 s unless set; https://www.pulumi.com/registry/packages/kubernetes/api-docs/helm/v3/release/)",
  },
  {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    label: "CloudNativePG cluster",
    minutes: 3,
    source: "estimate: initdb, then each replica cloned from the primary",
  },
  {
    type: "kubernetes:apps/v1:Deployment",
    label: "Deployment rollout",
    minutes: 1,
    source:
      "estimate: Pulumi awaits the rollout (https://www.pulumi.com/registry/packages/kubernetes/installation-configuration/)",
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    label: "StatefulSet rollout",
    minutes: 1,
    source: "estimate, as a Deployment",
  },
];

/** Everything not in the table: an API call and a short provider wait. */
export const DEFAULT_CREATION: CreationTime = { minutes: 0.5, source: "estimate" };

/** Typical creation time of one registration; providers and components take none. */
export function creationTime(r: Pick<Registered, "type" | "custom" | "inputs">): CreationTime {
  if (!r.custom || r.type.startsWith("pulumi:providers:")) return { minutes: 0, source: "none" };
  const row = CREATION_TIMES.find((t) => t.type === r.type && (!t.when || t.when(r.inputs ?? {})));
  return row ? { minutes: row.minutes, source: row.source } : DEFAULT_CREATION;
}

export interface PathStep {
  name: string;
  type: string;
  /** Minutes after the start of `pulumi up` at which it starts. */
  startsAt: number;
  minutes: number;
}

export interface CriticalPath {
  minutes: number;
  /** The longest chain of custom resources, first to last. */
  path: PathStep[];
  /** Minute at which each resource has finished, by URN. */
  finishes: Map<string, number>;
}

/**
 * The longest chain through the graph. A resource starts when every resource it depends on has
 * finished (dependsOn and the resources its inputs came from: the SDK sends both in one list) and,
 * with a custom parent, when the parent has finished (its URN resolves after its creation); a
 * component finishes when it and all its children have. Components and the stack take no time.
 */
export function criticalPath(
  resources: readonly Registered[],
  time: (r: Registered) => number = (r) => creationTime(r).minutes,
): CriticalPath {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, Registered[]>();
  for (const r of resources)
    if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const start = new Map<string, { at: number; after?: string }>();
  const finish = new Map<string, { at: number; last?: string }>();
  const visiting = new Set<string>();

  const startOf = (r: Registered): { at: number; after?: string } => {
    const known = start.get(r.urn);
    if (known) return known;
    if (visiting.has(r.urn)) return { at: 0 }; // a cycle cannot be recorded; guard anyway
    visiting.add(r.urn);
    let best: { at: number; after?: string } = { at: 0 };
    const waits = [...r.dependencies];
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent?.custom) waits.push(parent.urn);
    for (const d of waits) {
      const dep = byUrn.get(d);
      if (!dep || dep.urn === r.urn) continue;
      const f = finishOf(dep);
      if (f.at > best.at) best = { at: f.at, after: f.last };
    }
    // A child of a component waits for what the component waits for.
    if (parent && !parent.custom) {
      const p = startOf(parent);
      if (p.at > best.at) best = p;
    }
    visiting.delete(r.urn);
    start.set(r.urn, best);
    return best;
  };

  const finishing = new Set<string>();
  const finishOf = (r: Registered): { at: number; last?: string } => {
    const known = finish.get(r.urn);
    if (known) return known;
    if (finishing.has(r.urn)) return { at: 0 };
    finishing.add(r.urn);
    const s = startOf(r);
    let f: { at: number; last?: string } = r.custom
      ? { at: s.at + time(r), last: r.urn }
      : { at: s.at, last: s.after };
    if (!r.custom)
      for (const c of children.get(r.urn) ?? []) {
        const cf = finishOf(c);
        if (cf.at > f.at) f = cf;
      }
    finishing.delete(r.urn);
    finish.set(r.urn, f);
    return f;
  };

  let end: { at: number; last?: string } = { at: 0 };
  for (const r of resources) {
    const f = finishOf(r);
    if (f.at > end.at) end = f;
  }
  const path: PathStep[] = [];
  for (let urn = end.last; urn; urn = start.get(urn)?.after) {
    const r = byUrn.get(urn)!;
    path.unshift({ name: r.name, type: r.type, startsAt: start.get(urn)!.at, minutes: time(r) });
  }
  const finishes = new Map([...finish].map(([urn, f]) => [urn, f.at]));
  return { minutes: end.at, path, finishes };
}
