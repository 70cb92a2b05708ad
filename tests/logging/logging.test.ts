import { PRESETS } from "../../config";
import {
  ALLOY_CHART,
  ECK_CHART,
  ELASTIC_VERSION,
  LOKI_CHART,
  Logging,
  LoggingArgs,
  alloyConfig,
  ilmPolicy,
  lokiTopology,
} from "../../components/logging";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import type { Registered } from "../../plan/mocks";
import { evaluatePolicies } from "../../plan/policy";
import { policies } from "../../policies/list";
import { DEFAULT_POLICY_CONFIG } from "../../policies/config";

const args = (over: Partial<LoggingArgs> = {}): LoggingArgs => ({
  logging: PRESETS.medium.logging,
  namespace: "monitoring",
  grafanaNamespace: "monitoring",
  pools: ["app", "db", "monitoring"],
  storageClass: "fast",
  ...over,
});
const build =
  (a = args()) =>
  () =>
    new Logging("logging", a);
const releases = (rs: Registered[]) =>
  Object.fromEntries(ofType(rs, "kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.chart, r]));
const bucket = {
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  bucket: "acme-logs",
  credentials: {
    kind: "keys" as const,
    accessKeyId: "logs-user",
    secretAccessKey: "logs-secret-key",
  },
};

/** The platform's policy pack, run the way the offline plan runs it. */
async function violations(rs: Registered[]) {
  return evaluatePolicies(policies, rs, {
    config: DEFAULT_POLICY_CONFIG,
    enforcement: "mandatory",
    overrides: {},
  });
}

describe("Logging with Loki", () => {
  it("keeps logs retentionDays through limits_config.retention_period, enforced by the compactor", async () => {
    const loki = releases(await record(build())).loki.inputs.values;
    expect(loki.loki.limits_config.retention_period).toBe("720h"); // 30 days
    expect(loki.loki.compactor).toMatchObject({
      retention_enabled: true,
      delete_request_store: "filesystem",
    });
    const local = releases(await record(build(args({ logging: PRESETS.local.logging, pools: [] }))))
      .loki.inputs.values;
    expect(local.loki.limits_config.retention_period).toBe("168h"); // 7 days
  });

  it("runs a single binary on a storageGb filesystem volume of the cluster's storage class, on the monitoring pool", async () => {
    const v = releases(await record(build())).loki.inputs.values;
    expect(v.deploymentMode).toBe("SingleBinary");
    expect(v.singleBinary.replicas).toBe(1);
    expect(v.singleBinary.persistence).toMatchObject({
      enabled: true,
      size: "50Gi",
      storageClass: "fast",
      enableStatefulSetAutoDeletePVC: false,
    });
    expect([v.read.replicas, v.write.replicas, v.backend.replicas]).toEqual([0, 0, 0]);
    expect(v.loki.storage.type).toBe("filesystem");
    expect(v.singleBinary.nodeSelector).toEqual({ "platform/role": "monitoring" });
    expect(
      v.singleBinary.resources.requests.memory && v.singleBinary.resources.limits.memory,
    ).toBeTruthy();
    expect(v.loki.podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("scales out to read, write and backend on object storage for a production tier, with keys from a Secret", async () => {
    expect(lokiTopology(PRESETS.large.logging.loki.mode, true)).toEqual({
      mode: "SimpleScalable",
      replicas: 3,
      storage: "s3",
    });
    expect(lokiTopology(PRESETS.large.logging.loki.mode, false).mode).toBe("SingleBinary");
    expect(lokiTopology(PRESETS.staging.logging.loki.mode, true).mode).toBe("SingleBinary");
    const rs = await record(build(args({ logging: PRESETS.large.logging, objectStorage: bucket })));
    const v = releases(rs).loki.inputs.values;
    expect(v.deploymentMode).toBe("SimpleScalable");
    expect([
      v.read.replicas,
      v.write.replicas,
      v.backend.replicas,
      v.singleBinary.replicas,
    ]).toEqual([3, 3, 3, 0]);
    expect(v.loki.storage.bucketNames.chunks).toBe("acme-logs");
    expect(v.loki.schemaConfig.configs[0].object_store).toBe("s3");
    expect(JSON.stringify(v)).not.toContain("logs-secret-key");
    expect(v.write.extraEnvFrom).toEqual([{ secretRef: { name: "loki-bucket-credentials" } }]);
    expect(one(rs, "kubernetes:core/v1:Secret").inputs.stringData.AWS_SECRET_ACCESS_KEY).toBe(
      "logs-secret-key",
    );
  });

  it("spreads each target's three replicas over nodes as a preference, not the chart's one-per-node rule", async () => {
    const v = releases(
      await record(build(args({ logging: PRESETS.large.logging, objectStorage: bucket }))),
    ).loki.inputs.values;
    for (const target of ["read", "write", "backend"]) {
      const anti = v[target].affinity.podAntiAffinity;
      // A monitoring pool may have one node: the chart's required rule is nulled, so Helm drops it.
      expect(anti.requiredDuringSchedulingIgnoredDuringExecution).toBeNull();
      expect(anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toMatchObject(
        {
          labelSelector: { matchLabels: { "app.kubernetes.io/component": target } },
          topologyKey: "kubernetes.io/hostname",
        },
      );
    }
    // Loki 6.55 switches the write and backend claims with volumeClaimsEnabled.
    const size = `${PRESETS.large.logging.storageGb}Gi`;
    expect(v.write.persistence).toMatchObject({ volumeClaimsEnabled: true, size });
    expect(v.backend.persistence).toMatchObject({ volumeClaimsEnabled: true, size });
    expect(v.write.persistence).not.toHaveProperty("enabled");
    // One replica always has a node to itself: the single binary keeps the chart's affinity.
    const single = releases(await record(build())).loki.inputs.values.singleBinary;
    expect(single).not.toHaveProperty("affinity");
  });

  it("collects every node's container logs with Alloy from a privileged namespace of its own", async () => {
    const rs = await record(build());
    const ns = ofType(rs, "kubernetes:core/v1:Namespace")[0].inputs.metadata;
    expect(ns.name).toBe("logging-agent");
    expect(ns.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    const alloy = releases(rs).alloy;
    expect(alloy.inputs.namespace).toBe("logging-agent");
    const v = alloy.inputs.values;
    expect(v.controller.type).toBe("daemonset");
    expect(v.controller.tolerations).toEqual([{ operator: "Exists" }]);
    expect(v.alloy.mounts.varlog).toBe(true);
    expect(v.alloy.resources.limits.memory).toBeTruthy();
    expect(v.alloy.configMap.content).toContain(
      'url = "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push"',
    );
    expect(alloyConfig("http://x/push")).toContain('replacement   = "/var/log/pods/*$1/*.log"');
  });

  it("admits the agents and Grafana to Loki's HTTP port, and nothing else from outside", async () => {
    const np = one(
      await record(build(args({ grafanaNamespace: "grafana" }))),
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "logging-loki-ingress",
    ).inputs.spec;
    const names = np.ingress[0].from.map(
      (f: any) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
    );
    expect(names).toEqual(["logging-agent", "grafana"]);
    expect(np.ingress[0].ports).toEqual([{ protocol: "TCP", port: 3100 }]);
    expect(np.ingress[1].from).toEqual([
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "loki" } } },
    ]);
  });

  it("exposes Loki's query URL for Grafana's data source", async () => {
    let logging: Logging | undefined;
    await record(() => (logging = new Logging("logging", args())));
    expect(logging!.lokiUrl).toBe("http://loki.monitoring.svc.cluster.local:3100");
  });

  it("installs pinned chart versions from the pinned repositories and waits for them", async () => {
    const rs = releases(await record(build()));
    for (const [chart, pin] of [
      ["loki", LOKI_CHART],
      ["alloy", ALLOY_CHART],
    ] as const) {
      expect(rs[chart].inputs.version).toBe(pin.version);
      expect(rs[chart].inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(rs[chart].inputs.repositoryOpts.repo).toBe("https://grafana.github.io/helm-charts");
      expect(rs[chart].inputs.skipAwait).toBe(false);
    }
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const rs = await record(build(args({ logging: PRESETS.large.logging, objectStorage: bucket })));
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });
});

describe("Logging with Elasticsearch", () => {
  const es = args({ logging: PRESETS.enterprise.logging });
  const custom = (rs: Registered[], kind: string) => rs.find((r) => r.type.endsWith(`:${kind}`))!;

  it("runs Elasticsearch 8.x with the documented 2 GB heap and twice that in memory, on a storageGb volume, protected", async () => {
    const rs = await record(build(es));
    const cluster = custom(rs, "Elasticsearch");
    expect(cluster.type).toBe("kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch");
    expect(cluster.protect).toBe(true);
    const spec = cluster.inputs.spec;
    const [major, minor] = spec.version.split(".").map(Number);
    expect(major).toBe(8);
    expect(minor).toBeGreaterThanOrEqual(11); // self-hosted §4.2 runs 8.11.0
    expect(spec.version).toBe(ELASTIC_VERSION);
    const node = spec.nodeSets[0];
    const container = node.podTemplate.spec.containers[0];
    expect(container.env).toContainEqual({ name: "ES_JAVA_OPTS", value: "-Xms2g -Xmx2g" });
    expect(container.resources.requests.memory).toBe("4Gi");
    expect(container.resources.limits.memory).toBe("4Gi");
    expect(node.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("500Gi");
    expect(node.volumeClaimTemplates[0].spec.storageClassName).toBe("fast");
    expect(node.count).toBe(3);
    expect(node.podTemplate.spec.nodeSelector).toEqual({ "platform/role": "monitoring" });
    expect(cluster.dependencies).toContain(releases(rs)["eck-operator"].urn);
  });

  it("adds Kibana and a Filebeat DaemonSet shipping container logs with an ILM policy that deletes after retentionDays", async () => {
    const rs = await record(build(es));
    const kibana = custom(rs, "Kibana");
    expect(kibana.type).toBe("kubernetes:kibana.k8s.elastic.co/v1:Kibana");
    expect(kibana.inputs.spec.elasticsearchRef).toEqual({ name: "logs" });
    const beat = custom(rs, "Beat");
    expect(beat.type).toBe("kubernetes:beat.k8s.elastic.co/v1beta1:Beat");
    expect(beat.inputs.metadata.namespace).toBe("logging-agent");
    expect(beat.inputs.spec.type).toBe("filebeat");
    expect(beat.inputs.spec.config["filebeat.inputs"][0].paths).toEqual([
      "/var/log/containers/*.log",
    ]);
    expect(beat.inputs.spec.config["setup.ilm.policy_file"]).toBe("/etc/filebeat-ilm/policy.json");
    const policy = JSON.parse(one(rs, "kubernetes:core/v1:ConfigMap").inputs.data["policy.json"]);
    expect(policy.policy.phases.delete.min_age).toBe("30d");
    expect(ilmPolicy(7).policy.phases.delete).toEqual({ min_age: "7d", actions: { delete: {} } });
  });

  it("installs the ECK operator from a pinned chart and keeps Kibana internal", async () => {
    const rs = await record(build(es));
    const operator = releases(rs)["eck-operator"].inputs;
    expect(operator.repositoryOpts.repo).toBe("https://helm.elastic.co");
    expect(operator.version).toBe(ECK_CHART.version);
    expect(operator.values.resources.limits.memory).toBeTruthy();
    expect(operator.values.nodeSelector).toEqual({ "platform/role": "monitoring" });
    expect(JSON.stringify(rs.map((r) => r.inputs))).not.toContain("LoadBalancer");
    expect(releases(rs).loki).toBeUndefined();
  });

  it("exposes no Loki URL and registers only valid Kubernetes objects", async () => {
    let logging: Logging | undefined;
    const rs = await record(() => (logging = new Logging("logging", es)));
    expect(logging!.lokiUrl).toBeUndefined();
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });

  it("passes every policy of the platform's pack, with either backend", async () => {
    expect(await violations(await record(build(es)))).toEqual([]);
    expect(
      await violations(
        await record(
          build(
            args({
              logging: { ...PRESETS.medium.logging, loki: PRESETS.large.logging.loki },
              objectStorage: bucket,
            }),
          ),
        ),
      ),
    ).toEqual([]);
  });
});
