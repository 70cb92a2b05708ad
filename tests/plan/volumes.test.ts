import { SERVICES } from "../../catalog";
import { NETWORK_STORAGE_CLASS } from "../../components/hetzner/addons";
import { priceStack } from "../../plan/cost";
import "../../plan/pricers";
import { persistentVolumes, totalGb } from "../../plan/volumes";
import { registered } from "../helpers/mocks";

const T = {
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  cnpg: "kubernetes:postgresql.cnpg.io/v1:Cluster",
  release: "kubernetes:helm.sh/v3:Release",
  cronJob: "kubernetes:batch/v1:CronJob",
};
const claimSpec = (storage: string, storageClassName?: string) => ({
  accessModes: ["ReadWriteOnce"],
  ...(storageClassName ? { storageClassName } : {}),
  resources: { requests: { storage } },
});
const volumes = (type: string, inputs: Record<string, any>) =>
  persistentVolumes(registered(type, inputs));

describe("persistent volumes a resource claims", () => {
  it("reads a PersistentVolumeClaim's requested storage, rounded up to whole GiB", () => {
    expect(volumes(T.pvc, { spec: claimSpec("20Gi", "gp3") })).toEqual([
      { count: 1, gb: 20, storageClass: "gp3" },
    ]);
    // 10 G (decimal) is 9.31 GiB: the driver provisions 10.
    expect(volumes(T.pvc, { spec: claimSpec("10G") })).toEqual([{ count: 1, gb: 10 }]);
    expect(volumes(T.pvc, { spec: claimSpec("512Mi") })).toEqual([{ count: 1, gb: 1 }]);
  });

  it("multiplies a StatefulSet's volumeClaimTemplates by its replicas", () => {
    const spec = {
      replicas: 3,
      template: {
        spec: { containers: [{ resources: { requests: { cpu: "1", memory: "2Gi" } } }] },
      },
      volumeClaimTemplates: [
        { metadata: { name: "data" }, spec: claimSpec("32Gi") },
        { metadata: { name: "wal" }, spec: claimSpec("8Gi") },
      ],
    };
    const claims = volumes(T.statefulSet, { spec });
    expect(claims).toEqual([
      { count: 3, gb: 32 },
      { count: 3, gb: 8 },
    ]);
    expect(totalGb(claims)).toBe(120);
    // Container memory requests are not storage.
    expect(volumes(T.statefulSet, { spec: { ...spec, volumeClaimTemplates: [] } })).toEqual([]);
  });

  it("counts a CloudNativePG cluster's data and WAL volumes once per instance", () => {
    const spec = {
      instances: 2,
      storage: { size: "200Gi", storageClass: "local-path" },
      walStorage: { size: "20Gi", storageClass: "local-path" },
      resources: { requests: { cpu: "4", memory: "16Gi" } },
    };
    expect(volumes(T.cnpg, { spec })).toEqual([
      { count: 2, gb: 200, storageClass: "local-path" },
      { count: 2, gb: 20, storageClass: "local-path" },
    ]);
    expect(totalGb(volumes(T.cnpg, { spec: { ...spec, instances: 3 } }))).toBe(660);
  });

  it("finds chart volumes as the monitoring values set them: Prometheus once, Alertmanager per replica, Grafana's disabled", () => {
    const values = {
      prometheus: {
        prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: claimSpec("50Gi") } } },
      },
      alertmanager: {
        alertmanagerSpec: {
          replicas: 2,
          storage: { volumeClaimTemplate: { spec: claimSpec("2Gi") } },
        },
      },
      grafana: { persistence: { enabled: false }, resources: { requests: { cpu: "100m" } } },
    };
    expect(volumes(T.release, { values })).toEqual([
      { count: 1, gb: 50 },
      { count: 2, gb: 2 },
    ]);
  });

  it("finds Loki's `persistence` per target replica, and none on targets scaled to 0 or with volumes off", () => {
    const volume = { enabled: true, size: "50Gi", storageClass: "gp3" };
    const values = {
      loki: { storage: { type: "s3", bucketNames: { chunks: "logs" } } },
      singleBinary: { replicas: 0 },
      write: { replicas: 3, persistence: volume },
      backend: { replicas: 3, persistence: volume },
      read: { replicas: 3 },
    };
    expect(volumes(T.release, { values })).toEqual([{ count: 6, gb: 50, storageClass: "gp3" }]);
    const off = { ...values, backend: { replicas: 3, persistence: { ...volume, enabled: false } } };
    expect(totalGb(volumes(T.release, { values: off }))).toBe(150);
    const noClaims = {
      ...off,
      write: { replicas: 3, persistence: { ...volume, volumeClaimsEnabled: false } },
    };
    expect(volumes(T.release, { values: noClaims })).toEqual([]);
  });

  it("does not count a CronJob's ephemeral scratch volume, which lives only while the job runs", () => {
    const template = {
      spec: {
        volumes: [
          { name: "backup", ephemeral: { volumeClaimTemplate: { spec: claimSpec("100Gi") } } },
        ],
      },
    };
    expect(volumes(T.cronJob, { spec: { jobTemplate: { spec: { template } } } })).toEqual([]);
  });
});

describe("persistent volume pricing", () => {
  // One StatefulSet of 2 × 50 GiB on the default class, one claim of 20 GiB on the CSI class.
  const claims = [
    registered(
      T.statefulSet,
      { spec: { replicas: 2, volumeClaimTemplates: [{ spec: claimSpec("50Gi") }] } },
      "valkey",
    ),
    registered(T.pvc, { spec: claimSpec("20Gi", NETWORK_STORAGE_CLASS) }, "claim"),
  ];
  const line = (provider: Parameters<typeof priceStack>[1], name: string) =>
    priceStack(claims, provider).lines.find((l) => l.name === name)!;

  it("bills every volume on AWS at the catalog's gp3 price per GB-month", () => {
    const price = SERVICES.aws.volume.perGbMonthUsd;
    expect(line("aws", "valkey").monthlyUsd).toBeCloseTo(100 * price, 2);
    expect(line("aws", "valkey").basis).toBe("2 × 50 GB gp3 volume at $0.08 per GB-month");
    expect(priceStack(claims, "aws").monthlyUsd).toBeCloseTo(120 * price, 2);
  });

  it("bills every volume on DigitalOcean at the catalog's block storage price", () => {
    const price = SERVICES.digitalocean.volume.perGbMonthUsd;
    expect(line("digitalocean", "valkey").monthlyUsd).toBeCloseTo(100 * price, 2);
    expect(line("digitalocean", "claim").monthlyUsd).toBeCloseTo(20 * price, 2);
    expect(line("digitalocean", "claim").basis).toMatch(
      /^1 × 20 GB block storage volume at \$0\.10/,
    );
  });

  it("bills only hcloud CSI volumes on Hetzner: local-path claims sit on disks already priced with the nodes", () => {
    expect(line("hetzner", "valkey").monthlyUsd).toBe(0);
    expect(line("hetzner", "valkey").basis).toMatch(/local-path on the node's disk/);
    expect(line("hetzner", "claim").monthlyUsd).toBeCloseTo(
      20 * SERVICES.hetzner.volume.perGbMonthUsd,
      2,
    );
    // hcloud volumes are at least 10 GB.
    const small = registered(T.pvc, { spec: claimSpec("1Gi", NETWORK_STORAGE_CLASS) });
    expect(priceStack([small], "hetzner").monthlyUsd).toBeCloseTo(
      10 * SERVICES.hetzner.volume.perGbMonthUsd,
      2,
    );
  });

  it("costs nothing on an existing cluster", () => {
    expect(priceStack(claims, "existing").monthlyUsd).toBe(0);
    expect(line("existing", "valkey").basis).toMatch(/existing cluster/);
  });

  it("adds no line for a resource without volumes", () => {
    const release = registered(T.release, { values: { controller: { replicaCount: 2 } } });
    expect(priceStack([release], "aws").lines).toEqual([]);
  });
});
