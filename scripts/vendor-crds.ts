/**
 * Re-extracts the CustomResourceDefinitions the program's custom resources are validated against
 * from local git mirrors of the upstream repositories, at the tags the pinned charts install, into
 * `vendor/crds/<group>/<kind>-<version>.json`: group, kind, version flags and the openAPIV3Schema,
 * with every schema `description` stripped (the schema is kept as data, not as upstream prose).
 *
 * usage: node -r ./plan/register.js scripts/vendor-crds.ts [mirrors dir, default /work/.mirror]
 * A mirror is `<dir>/<owner>+<name>/repo`, a bare git directory (no work tree is needed).
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type { VendoredCrd } from "../tests/helpers/crd-schema";
import { NEWER_THAN_MIRROR } from "./chart-sources";
import { commitOf, gitShow } from "./mirrors";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "vendor/crds");

/** One upstream file of CRDs, and the kinds (with the versions the program uses) taken from it. */
export interface CrdSource {
  repo: string;
  tag: string;
  path: string;
  /** The chart whose CRDs these are, at the version of `tag`. */
  chart: { name: string; version: string };
  /**
   * The version the program pins, when the tag is another one: pins newer than the newest
   * snapshot of the upstream repository in reach stand on that snapshot's newest release.
   */
  standsFor?: { version: string; why: string };
  take: { group: string; kind: string; versions: string[] }[];
}

export const SOURCES: CrdSource[] = [
  {
    repo: "cloudnative-pg/charts",
    tag: "cloudnative-pg-v0.29.0",
    path: "charts/cloudnative-pg/templates/crds/crds.yaml",
    chart: { name: "cloudnative-pg", version: "0.29.0" }, // CloudNativePG 1.30.0
    standsFor: { version: "0.29.1", why: NEWER_THAN_MIRROR },
    take: ["Cluster", "Pooler", "ScheduledBackup"].map((kind) => ({
      group: "postgresql.cnpg.io",
      kind,
      versions: ["v1"],
    })),
  },
  {
    repo: "cloudnative-pg/charts",
    tag: "plugin-barman-cloud-v0.7.0",
    path: "charts/plugin-barman-cloud/templates/crds/crds.yaml",
    chart: { name: "plugin-barman-cloud", version: "0.7.0" }, // plugin v0.13.0
    standsFor: { version: "0.8.0", why: NEWER_THAN_MIRROR },
    take: [{ group: "barmancloud.cnpg.io", kind: "ObjectStore", versions: ["v1"] }],
  },
  {
    repo: "envoyproxy/gateway",
    tag: "v1.9.0",
    path: "charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml",
    chart: { name: "gateway-helm", version: "v1.9.0" }, // Gateway API v1.6.1, experimental channel
    standsFor: { version: "v1.9.3", why: NEWER_THAN_MIRROR },
    take: ["GatewayClass", "Gateway", "HTTPRoute"].map((kind) => ({
      group: "gateway.networking.k8s.io",
      kind,
      versions: ["v1"],
    })),
  },
  ...(
    [
      ["EnvoyProxy", "envoyproxies"],
      ["ClientTrafficPolicy", "clienttrafficpolicies"],
      ["BackendTrafficPolicy", "backendtrafficpolicies"],
    ] as const
  ).map(([kind, plural]) => ({
    repo: "envoyproxy/gateway",
    tag: "v1.9.0",
    path: `charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_${plural}.yaml`,
    chart: { name: "gateway-helm", version: "v1.9.0" },
    standsFor: { version: "v1.9.3", why: NEWER_THAN_MIRROR },
    take: [{ group: "gateway.envoyproxy.io", kind, versions: ["v1alpha1"] }],
  })),
  ...(
    [
      ["Certificate", "certificates"],
      ["Issuer", "issuers"],
      ["ClusterIssuer", "clusterissuers"],
    ] as const
  ).map(([kind, plural]) => ({
    repo: "cert-manager/cert-manager",
    tag: "v1.21.1",
    path: `deploy/crds/cert-manager.io_${plural}.yaml`,
    chart: { name: "cert-manager", version: "v1.21.1" },
    take: [{ group: "cert-manager.io", kind, versions: ["v1"] }],
  })),
  ...(
    [
      ["PrometheusRule", "prometheusrules"],
      ["PodMonitor", "podmonitors"],
    ] as const
  ).map(([kind, plural]) => ({
    repo: "prometheus-community/helm-charts",
    tag: "kube-prometheus-stack-88.5.3",
    path: `charts/kube-prometheus-stack/charts/crds/crds/crd-${plural}.yaml`,
    chart: { name: "kube-prometheus-stack", version: "88.5.3" }, // prometheus-operator v0.93.1
    standsFor: { version: "91.4.1", why: NEWER_THAN_MIRROR },
    take: [{ group: "monitoring.coreos.com", kind, versions: ["v1"] }],
  })),
  ...(
    [
      ["Rollout", "rollout"],
      ["AnalysisTemplate", "analysis-template"],
    ] as const
  ).map(([kind, file]) => ({
    repo: "argoproj/argo-helm",
    tag: "argo-rollouts-2.41.0",
    path: `charts/argo-rollouts/templates/crds/${file}-crd.yaml`,
    chart: { name: "argo-rollouts", version: "2.41.0" }, // Argo Rollouts v1.9.0 (same CRDs as v1.9.1)
    take: [{ group: "argoproj.io", kind, versions: ["v1alpha1"] }],
  })),
  {
    // Not a chart: the controller's release manifests (components/hetzner/upgrades.ts).
    repo: "rancher/system-upgrade-controller",
    tag: "v0.20.1",
    path: "pkg/crds/yaml/generated/upgrade.cattle.io_plans.yaml",
    chart: { name: "system-upgrade-controller", version: "v0.20.1" },
    take: [{ group: "upgrade.cattle.io", kind: "Plan", versions: ["v1"] }],
  },
  {
    repo: "elastic/cloud-on-k8s",
    tag: "v3.5.0",
    path: "deploy/eck-operator/charts/eck-operator-crds/templates/all-crds.yaml",
    chart: { name: "eck-operator", version: "3.5.0" },
    take: [
      { group: "elasticsearch.k8s.elastic.co", kind: "Elasticsearch", versions: ["v1"] },
      { group: "kibana.k8s.elastic.co", kind: "Kibana", versions: ["v1"] },
      { group: "beat.k8s.elastic.co", kind: "Beat", versions: ["v1beta1"] },
    ],
  },
];

const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];

/** Drops `description` from every schema node; a property *named* description is kept. */
export function stripDescriptions(node: any): any {
  if (!node || typeof node !== "object" || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries<any>(node)) {
    if (k === "description") continue;
    if (k === "properties" || k === "patternProperties" || k === "definitions")
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, stripDescriptions(s)]));
    else if (k === "items" || k === "additionalProperties" || k === "not")
      out[k] = Array.isArray(v) ? v.map(stripDescriptions) : stripDescriptions(v);
    else if (SCHEMA_LISTS.includes(k)) out[k] = (v as any[]).map(stripDescriptions);
    else out[k] = v;
  }
  return out;
}

/** Parses a (possibly Helm-wrapped) multi-document YAML file into its CRDs. */
function crdsOf(text: string): any[] {
  // Chart templates wrap the CRDs in `{{- if ... }}` lines; labels hold quoted template strings.
  const plain = text
    .split("\n")
    .filter((l) => !/^\s*\{\{-?.*\}\}\s*$/.test(l))
    .join("\n");
  return parseAllDocuments(plain)
    .map((d) => d.toJS({ maxAliasCount: -1 }))
    .filter((d) => d?.kind === "CustomResourceDefinition");
}

function main() {
  const mirrors = process.argv[2] ?? "/work/.mirror";
  const rows: string[] = [];
  for (const src of SOURCES) {
    const crds = crdsOf(gitShow(mirrors, src.repo, src.tag, src.path));
    const commit = commitOf(mirrors, src.repo, src.tag);
    for (const want of src.take) {
      const crd = crds.find((c) => c.spec.group === want.group && c.spec.names.kind === want.kind);
      if (!crd) throw new Error(`${src.repo}@${src.tag}:${src.path} has no ${want.kind}`);
      for (const version of want.versions) {
        const v = crd.spec.versions.find((x: any) => x.name === version);
        if (!v) throw new Error(`${want.kind} has no version ${version} at ${src.tag}`);
        const out: VendoredCrd = {
          group: want.group,
          kind: want.kind,
          version,
          scope: crd.spec.scope,
          served: v.served,
          storage: v.storage,
          ...(v.deprecated ? { deprecated: true } : {}),
          schema: stripDescriptions(v.schema.openAPIV3Schema),
        };
        const file = path.join(want.group, `${want.kind.toLowerCase()}-${version}.json`);
        fs.mkdirSync(path.join(OUT, want.group), { recursive: true });
        fs.writeFileSync(path.join(OUT, file), `${JSON.stringify(out)}\n`);
        rows.push(`| \`${file}\` | ${src.repo} | ${src.tag} | ${commit} | \`${src.path}\` |`);
      }
    }
  }
  const pins = [
    ...new Set(
      SOURCES.map(
        (s) =>
          `- ${s.repo} ${s.tag}: chart ${s.chart.name} ${s.chart.version}` +
          (s.standsFor
            ? `, standing for the pinned ${s.standsFor.version} (${s.standsFor.why})`
            : ""),
      ),
    ),
  ];
  fs.writeFileSync(
    path.join(OUT, "SOURCES.md"),
    [
      "# Vendored CustomResourceDefinitions",
      "",
      "Extracted by `scripts/vendor-crds.ts` from the upstream repositories at the tags the pinned",
      "charts install; only the kinds and versions the program registers. Each file keeps the",
      "version's `openAPIV3Schema` as data, with schema `description` fields removed. Upstream",
      "licences: Apache-2.0 (CloudNativePG, Envoy Gateway, Gateway API, cert-manager,",
      "prometheus-operator, Argo Rollouts, system-upgrade-controller) and the Elastic License 2.0",
      "(ECK CRDs).",
      "",
      "Tags, and the chart pins they stand for where the pin is not in reach:",
      "",
      ...pins,
      "",
      "| file | repository | tag | commit | path |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
      "",
    ].join("\n"),
  );
  process.stdout.write(`${rows.length} CRD versions written to ${OUT}\n`);
}

if (require.main === module) main();
