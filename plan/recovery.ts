/**
 * The plan's "recovery objectives" section: for each recovery objective of the two documents, what
 * the stack's parts make of it (the mechanism and its expected time), set beside the objective.
 * docs/disaster-recovery.md walks through the same lines with the commands.
 */
import { environmentOf, type StackConfig } from "../config";
import { isFailoverStandby } from "../config/region-schema";
import { deployTime } from "./deploy-time";
import type { Registered } from "./mocks";

const SELF_HOSTED = "self-hosted-deployment.md §3.2";
const TIERS = "infrastructure-recommendations.md, Disaster Recovery Plan";
const LARGE_DB =
  "infrastructure-recommendations.md, Database Architecture (Large), High Availability";

/** One documented objective, in minutes. */
export interface Documented {
  minutes: number;
  doc: string;
}

export interface Objective {
  /** What is recovered, and the measure. @example "database RPO" */
  subject: string;
  /** The documents' objectives for it; the strictest decides. */
  documented: Documented[];
  /** The stack's expected time in minutes; null where the stack keeps nothing of the kind. */
  expectedMinutes: number | null;
  /** The parts that give the expected time, with the sources of their figures. */
  mechanism: string;
  /** True when the expected time meets the strictest objective. */
  meets: boolean | null;
}

/** Mechanism figures and their public sources. */
export const FIGURES = {
  rdsMultiAzFailover: {
    minutes: 2,
    source: "Multi-AZ failover typically 60-120 s (RDS User Guide, Concepts.MultiAZ.Failover)",
  },
  rdsPitr: {
    minutes: 5,
    source:
      "RDS uploads the transaction logs every 5 minutes: the latest restorable time (RDS User Guide, USER_PIT)",
  },
  archiveTimeout: {
    minutes: 5,
    source: "CloudNativePG sets archive_timeout to 5min (CloudNativePG docs, WAL archiving)",
  },
  replicaLagAlarm: {
    minutes: 5,
    source: "the ReplicaLag alarm pages above 300 s (components/aws/database.ts)",
  },
  regionFailover: {
    minutes: 15,
    source:
      "estimate: health checks fail in 1.5 min (3 x 30 s, Route 53 health checks), the operator " +
      "switches multiRegion.role and `pulumi up` promotes the replica (PromoteReadReplica, a few minutes)",
  },
  cloudFailover: {
    minutes: 30,
    source:
      "estimate: the operator switches multiRegion.role and `pulumi up` removes the standby's refresh " +
      "jobs (minutes), the domain's records move to the standby's edge (their TTL), the app pool's " +
      "autoscaler adds nodes (minutes); docs/disaster-recovery.md, Failing over to the second cloud",
  },
  cnpgFailover: {
    minutes: 1,
    source:
      "estimate: CloudNativePG promotes the most advanced replica once the primary fails its probes",
  },
  rdsRestore: {
    minutes: 20,
    source:
      "estimate: a restored RDS instance is available before its data is loaded from S3 (lazy loading, RDS User Guide, USER_RestoreFromSnapshot)",
  },
  restoreMbPerSecond: {
    value: 100,
    source:
      "estimate: 100 MB/s from object storage into a new volume; the monthly restore check measures it",
  },
  replicationTime: {
    minutes: 15,
    source: "S3 Replication Time Control, 99.99 % within 15 minutes",
  },
  glacierRetrieval: {
    minutes: 12 * 60,
    source: "Glacier Flexible Retrieval bulk retrievals finish within 5-12 hours (S3 User Guide)",
  },
} as const;

const minutesOfCron = (schedule: string): number => {
  const [minute, hour, dom, , dow] = schedule.split(/\s+/);
  if (hour === "*" && /^\d+$/.test(minute)) return 60;
  const every = /^\*\/(\d+)$/.exec(minute);
  if (every) return Number(every[1]);
  if (dom === "*" && dow === "*") return 24 * 60;
  return 7 * 24 * 60;
};

const strictest = (d: Documented[]) => Math.min(...d.map((x) => x.minutes));

function objective(
  subject: string,
  documented: Documented[],
  expectedMinutes: number | null,
  mechanism: string,
): Objective {
  return {
    subject,
    documented,
    expectedMinutes,
    mechanism,
    meets: expectedMinutes === null ? null : expectedMinutes <= strictest(documented),
  };
}

/** The recovery objectives of a stack from what it registered and its config. */
export function recoveryObjectives(
  config: StackConfig,
  resources: readonly Registered[],
): Objective[] {
  const objectives = expectedRecovery(config, resources);
  // The documents' objectives are production's: elsewhere the figures are shown, not judged.
  return environmentOf(config.tier) === "production"
    ? objectives
    : objectives.map((o) => ({ ...o, meets: null }));
}

function expectedRecovery(config: StackConfig, resources: readonly Registered[]): Objective[] {
  const has = (type: string, pred: (r: Registered) => boolean = () => true) =>
    resources.some((r) => r.type === type && pred(r));
  const rds = resources.filter((r) => r.type === "aws:rds/instance:Instance");
  const regionDb = rds.find((r) => r.name === "database-primary");
  const replicaOfRegion = !!regionDb?.inputs.replicateSourceDb;
  const cnpg = resources.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
  const managedDo = has("digitalocean:index/databaseCluster:DatabaseCluster");
  const grouped = !!config.multiRegion.group;
  const secondaryRegion = config.multiRegion.role === "secondary";
  const peersOrPrimary = secondaryRegion || (config.multiRegion.peers?.length ?? 0) > 0 || grouped;
  const restoreMinutes = regionDb
    ? FIGURES.rdsRestore.minutes
    : Math.ceil((config.database.storageGb * 1024) / FIGURES.restoreMbPerSecond.value / 60);
  const restoreSource = regionDb ? FIGURES.rdsRestore.source : FIGURES.restoreMbPerSecond.source;
  const largeTier = config.tier === "large" || config.tier === "enterprise";
  const out: Objective[] = [];

  // Critical services: the apps. Replicas on several nodes keep serving while a lost node's pods
  // are replaced; a single replica waits for the eviction (the default NoExecute toleration of
  // node.kubernetes.io/not-ready and unreachable is 300 s: Kubernetes docs, Taints and
  // Tolerations, taint-based evictions) and a new start.
  const apps = config.apps;
  if (apps.length > 0) {
    const spread = apps.every((a) => Math.max(a.replicas, a.autoscaling?.minReplicas ?? 0) >= 2);
    out.push(
      objective(
        "critical services RTO",
        [
          { minutes: 15, doc: `${SELF_HOSTED}, Critical Services` },
          { minutes: 60, doc: `${TIERS}, Tier 1 (authentication, core API)` },
        ],
        spread ? 1 : 6,
        spread
          ? "every app runs two or more replicas with a disruption budget: a lost node's endpoints leave the gateway when their readiness fails, and the others serve"
          : "a single replica is evicted after 300 s (taint-based eviction) and started again",
      ),
    );
  }

  // Database.
  const dbRpo = [
    { minutes: 5, doc: `${TIERS}, Tier 1` },
    { minutes: 5, doc: `${SELF_HOSTED}, Database` },
  ];
  const dbRto = [
    { minutes: 60, doc: `${TIERS}, Tier 1` },
    { minutes: 30, doc: `${SELF_HOSTED}, Database Recovery` },
  ];
  if (regionDb) {
    out.push(
      objective(
        "database RPO",
        dbRpo,
        regionDb.inputs.multiAz ? 0 : FIGURES.rdsPitr.minutes,
        [
          regionDb.inputs.multiAz ? "a lost zone loses nothing (synchronous Multi-AZ standby)" : "",
          `point-in-time recovery to ${FIGURES.rdsPitr.minutes} min before (${FIGURES.rdsPitr.source})`,
          replicaOfRegion || grouped
            ? `a lost region: the other region's replica lags at most ${FIGURES.replicaLagAlarm.minutes} min (${FIGURES.replicaLagAlarm.source})`
            : "",
        ]
          .filter(Boolean)
          .join("; "),
      ),
      replicaOfRegion
        ? objective(
            "database RTO",
            dbRto,
            FIGURES.regionFailover.minutes,
            `this region takes the writes when the primary's is lost: ${FIGURES.regionFailover.source}` +
              (regionDb.inputs.multiAz ? "" : "; its own instance is single-zone until promoted"),
          )
        : objective(
            "database RTO",
            [...dbRto, ...(largeTier ? [{ minutes: 10, doc: LARGE_DB }] : [])],
            regionDb.inputs.multiAz ? FIGURES.rdsMultiAzFailover.minutes : restoreMinutes,
            regionDb.inputs.multiAz
              ? `a lost zone: ${FIGURES.rdsMultiAzFailover.source}` +
                  (peersOrPrimary
                    ? `; a lost region: ${FIGURES.regionFailover.minutes} min (${FIGURES.regionFailover.source})`
                    : "")
              : `a restore to a new instance: ${restoreMinutes} min (${restoreSource})`,
          ),
    );
  } else if (cnpg) {
    const instances = Number(cnpg.inputs.spec?.instances ?? 1);
    out.push(
      objective(
        "database RPO",
        dbRpo,
        FIGURES.archiveTimeout.minutes,
        `continuous WAL archive (${FIGURES.archiveTimeout.source})` +
          (instances > 1 ? `; ${instances - 1} streaming replica(s) lag seconds` : ""),
      ),
      objective(
        "database RTO",
        dbRto,
        instances > 1 ? FIGURES.cnpgFailover.minutes : restoreMinutes,
        instances > 1
          ? `a lost node: ${FIGURES.cnpgFailover.source}; a lost cluster: ${restoreMinutes} min from the archive (${FIGURES.restoreMbPerSecond.source})`
          : `a restore from the archive: ${restoreMinutes} min for ${config.database.storageGb} GB (${FIGURES.restoreMbPerSecond.source})`,
      ),
    );
  } else if (managedDo) {
    out.push(
      objective(
        "database RPO",
        dbRpo,
        FIGURES.rdsPitr.minutes,
        "DigitalOcean point-in-time recovery of the last 7 days, WAL shipped continuously (estimate: 5 min)",
      ),
      objective(
        "database RTO",
        dbRto,
        config.database.standbys > 0 ? FIGURES.rdsMultiAzFailover.minutes : restoreMinutes,
        config.database.standbys > 0
          ? "a standby node takes over (estimate, as RDS Multi-AZ)"
          : `a restore to a new cluster: ${restoreMinutes} min (${FIGURES.restoreMbPerSecond.source})`,
      ),
    );
  }

  // Files.
  const filesRpo = [
    { minutes: 60, doc: `${TIERS}, Tier 2` },
    { minutes: 60, doc: `${SELF_HOSTED}, File Storage` },
  ];
  // A secondary replicates the primary's buckets (the rule is the secondary's registration).
  const replicated =
    has("aws:s3/bucketReplicationConfig:BucketReplicationConfig") ||
    (grouped && config.provider === "aws" && config.objectStorage.mode === "managed");
  const versioned = has("aws:s3/bucketVersioning:BucketVersioning");
  const mirror = minutesOfCron(config.backups.fileSyncSchedule);
  out.push(
    objective(
      "file storage RPO",
      filesRpo,
      replicated ? FIGURES.replicationTime.minutes : mirror,
      [
        versioned
          ? `overwrites and deletes: previous versions kept ${config.objectStorage.buckets[0]?.noncurrentVersionDays ?? 30} days`
          : "",
        replicated
          ? `a lost region: ${FIGURES.replicationTime.source}`
          : `the media mirror every ${mirror} min (backups.fileSyncSchedule)`,
        config.backups.offsite ? "and the off-site copy of the backup bucket" : "",
      ]
        .filter(Boolean)
        .join("; "),
    ),
    objective(
      "file storage RTO",
      [{ minutes: 240, doc: `${TIERS}, Tier 2` }],
      replicated ? FIGURES.regionFailover.minutes : 60,
      replicated
        ? "the other region's bucket already holds the files; the promoted region serves them"
        : "estimate: point the store at the mirror, or copy it back (mc mirror / rclone at the mirror's rate)",
    ),
  );

  // Archived content, configuration, and the whole system.
  if (config.objectStorage.buckets.some((b) => b.archiveAfterDays > 0)) {
    // S3 moves old objects to Glacier (lifecycle rules); other stores keep them where they are.
    const glacier = config.provider === "aws" && config.objectStorage.mode === "managed";
    out.push(
      objective(
        "archived content RTO",
        [{ minutes: 24 * 60, doc: `${TIERS}, Tier 3` }],
        glacier ? FIGURES.glacierRetrieval.minutes : 0,
        glacier
          ? FIGURES.glacierRetrieval.source
          : "archived objects stay in the store's one class",
      ),
    );
  }
  out.push(
    objective(
      "configuration RPO",
      [
        { minutes: 24 * 60, doc: `${SELF_HOSTED}, Configuration` },
        { minutes: 24 * 60, doc: `${TIERS}, Tier 3` },
      ],
      0,
      "every change is a commit of the stack files and a checkpoint of the Pulumi state (secrets encrypted in both)",
    ),
  );
  const deploy = deployTime(resources).minutes;
  const data = regionDb || cnpg || managedDo;
  const failover = isFailoverStandby(config);
  out.push(
    objective(
      "full system RTO",
      [{ minutes: 120, doc: `${SELF_HOSTED}, Full System Recovery` }],
      failover
        ? FIGURES.cloudFailover.minutes
        : grouped
          ? FIGURES.regionFailover.minutes
          : deploy + (data ? restoreMinutes : 0),
      failover
        ? `this stack is the group's failover cloud, refreshed daily from the primary's off-site copy (RPO about 25 h, the cloud-loss case): promote it and point the DNS at its edge (${FIGURES.cloudFailover.source})`
        : grouped
          ? `the group's other region is running: promote it (${FIGURES.regionFailover.source})`
          : `a new stack's first \`pulumi up\` (${deploy} min on its critical path, plan/deploy-time.ts)` +
            (data ? ` and the database restore (${restoreMinutes} min)` : ""),
    ),
  );
  return out;
}

const human = (m: number) =>
  m >= 24 * 60 && m % (24 * 60) === 0
    ? `${m / (24 * 60)} d`
    : m >= 120 && m % 60 === 0
      ? `${m / 60} h`
      : `${m} min`;

/** The section as the terminal shows it. */
export function recoveryLines(objectives: Objective[]): string[] {
  return [
    "recovery objectives (docs/disaster-recovery.md):",
    ...objectives.map((o) => {
      const goal = human(strictest(o.documented));
      const verdict =
        o.meets === null ? "(not judged: a non-production tier)" : o.meets ? "meets" : "MISSES";
      return `  ${o.subject}: expected ${o.expectedMinutes === null ? "n/a" : human(o.expectedMinutes)}, objective ${goal} ${verdict} — ${o.mechanism}`;
    }),
  ];
}
