import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NAMESPACE, pagerOf, StackConfig } from "../../config";
import type { ClusterFacts } from "../contract";
import { Alerts, uptimeTargets } from "./alerts";
import { Backups, drRegionFor } from "./backups";
import { Cache } from "./cache";
import { Cdn, CLOUDFRONT_PROXY_HOPS } from "./cdn";
import { edgeHosts } from "../edge/rules";
import { backupRetention, Database, DATABASE_NAME, MASTER_USER } from "./database";
import { kubeconfigCommand } from "./access";
import { EksCluster } from "./eks";
import { GATEWAY_CLIENT_ADDRESS } from "./gateway-nlb";
import { Network } from "./network";
import { ObjectStorage } from "./storage";
import { BucketReplication } from "./replication";
import { PrimaryPeering } from "./peering";
import { primarySource, regionRole, type ReplicationSource } from "../region";
import { RegionalOrigin } from "./regional-origin";
import { NLB_SECURITY_GROUPS } from "./gateway-nlb";
import { configProblem } from "../kit/problems";
import { physicalName } from "../kit/naming";
import { dailyTime } from "../kit/schedule";
import { smarthostPort } from "../kit/smarthost";
import { defineCloudLayer } from "../kit/cloud-layer";
import { AWS_MOCKS } from "../../plan/mock-outputs/aws";
import { AWS_PRICING } from "../../plan/pricers/aws";

// The config gate (config/providers.ts) refuses what this layer cannot build; the rules and their
// limits live there.
export { CROSS_REGION_BACKUP_TIERS, MAX_CACHE_REPLICAS } from "../../config";

/**
 * The AWS cloud layer: network tiers, EKS, and, where the config says `managed`, RDS PostgreSQL
 * (with AWS Backup), ElastiCache Valkey and S3, plus CloudFront with WAF. Each concern is one
 * top-level component, so the plan reports its cost separately.
 */
export function awsCluster(config: StackConfig): ClusterFacts {
  const stack = pulumi.getStack();
  const prefix = physicalName([pulumi.getProject(), stack], 40);
  const provider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { "platform/stack": stack, "platform/tier": config.tier } },
  });
  const opts = { providers: [provider] };
  const logDays = config.logging.retentionDays;
  const backupTime =
    dailyTime(config.backups.schedule) ??
    configProblem(
      ["backups", "schedule"],
      "must run once a day at a fixed time on aws, such as 0 2 * * * (AWS Backup and RDS take one daily time)",
    );

  const smtpPort = smarthostPort(config.monitoring.receivers.email?.smarthost);
  // CloudFront is the stack's edge when edge.provider says so (config/edge.ts picks it by default).
  // In a secondary region it is the primary's distribution (config/region-schema.ts): the region
  // builds none of its own but is locked to CloudFront all the same.
  const cloudfront = config.edge.provider === "cloudfront";
  const frontedElsewhere = cloudfront && regionRole(config) === "secondary";
  // A secondary region replicates its primary's database and buckets (components/region), and
  // sends its writes to the primary's database over a VPC peering.
  const primary = primarySource(config);
  const primaryProvider = primary?.secondary
    ? new aws.Provider("aws-primary-region", {
        region: primary.source.apply((s) => s.region as aws.Region),
      })
    : undefined;
  const writesToPrimary = primary?.secondary && config.database.mode === "managed";
  const network = new Network(
    "network",
    {
      cidr: config.network.cidr,
      zones: config.network.zones,
      natPerZone: config.network.natPerZone,
      flowLogRetentionDays: logDays,
      adminCidrs: config.adminCidrs,
      extraEgressPorts: smtpPort ? [smtpPort] : [],
      // CloudFront answers every public host (edgeHosts below), so the NLB behind the DMZ group
      // need take nothing but CloudFront (policy stack-cloudfront-require-origin-lock).
      webIngress: cloudfront && config.edge.originLock ? "cloudfront" : "anywhere",
      peer: writesToPrimary
        ? {
            vpcId: primary.source.apply((s) => s.network?.vpcId ?? ""),
            region: primary.source.region,
            cidr: primary.source.cidr,
          }
        : undefined,
    },
    opts,
  );
  const cluster = new EksCluster(
    "cluster",
    {
      clusterName: prefix,
      version: config.kubernetes.version,
      region: config.region,
      vpcId: network.vpcId,
      subnetIds: { app: network.subnetIds.app, management: network.subnetIds.management },
      securityGroups: network.securityGroups,
      adminCidrs: config.adminCidrs,
      nodePools: config.nodePools,
      logRetentionDays: logDays,
      access: config.kubernetes.access,
    },
    opts,
  );

  const managed: NonNullable<ClusterFacts["managed"]> = {};
  // Every region of a group on CloudFront adds its own latency record for the origin name.
  const origin =
    cloudfront && config.multiRegion.group
      ? new RegionalOrigin(
          "origin",
          {
            zoneId:
              config.edge.route53ZoneId ||
              configProblem(["edge", "route53ZoneId"], "is required in a group on CloudFront"),
            originHost: `origin.${config.domain}`,
            regionHost: `${config.region}.origin.${config.domain}`,
            region: config.region,
            subnetIds: network.subnetIds.dmz,
            vpcId: network.vpcId,
            health: uptimeTargets(config.domain, config.apps)[0] ?? {
              host: config.domain,
              path: "/",
            },
          },
          opts,
        )
      : undefined;

  // The alarms reach the stack's receivers; Route 53 probes every public host from outside.
  const alerts = new Alerts(
    "alerts",
    {
      emails: config.monitoring.receivers.email?.to ?? [],
      pagerUrl:
        pagerOf(config.monitoring.receivers)?.type === "webhook"
          ? new pulumi.Config(NAMESPACE).requireSecret("pagingSecret")
          : undefined,
      region: config.region,
      uptime: uptimeTargets(config.domain, config.apps),
      regionCheck: origin && { region: config.region, healthCheckId: origin.healthCheckId },
    },
    opts,
  );

  let databaseFacts: { arn: pulumi.Output<string>; host: pulumi.Output<string> } | undefined;
  let databasePassword: pulumi.Output<string> | undefined;
  if (config.database.mode === "managed" && alerts) {
    const db = config.database;
    const database = new Database(
      "database",
      {
        version: db.version,
        profile: db.profile,
        memoryGb: db.memoryGb,
        storageGb: db.storageGb,
        // The config decides; the policy pack refuses a production database without its standby.
        multiAz: db.multiAz,
        replicas: db.replicas,
        replicaProfile: db.replicaProfile,
        maxConnections: db.maxConnections,
        backupRetentionDays: backupRetention(db.backupRetentionDays, db.backupRetentionFloorDays),
        backupTime,
        identifierPrefix: prefix,
        subnetIds: network.subnetIds.data,
        zones: config.network.zones,
        securityGroupId: network.securityGroups.database,
        alarmTopicArn: alerts.topicArn,
        logRetentionDays: logDays,
        rotation: config.secrets.rotation,
        replicaOf: primary && {
          sourceArn: primary.secondary
            ? primary.source.apply((s) => {
                if (!s.database)
                  throw new pulumi.RunError(
                    "platform:multiRegion.primaryStack: the primary has no managed database to replicate",
                  );
                return s.database.arn;
              })
            : undefined,
          password: primary.secrets.apply((s) => s.databasePassword ?? ""),
        },
      },
      opts,
    );
    databaseFacts = { arn: database.primaryArn, host: database.host };
    databasePassword = database.password;
    // A replica is backed up in its primary's region; the promotion starts its own backups.
    if (!primary?.secondary)
      new Backups(
        "backups",
        {
          resourceArns: [database.primaryArn],
          time: backupTime,
          keep: config.backups,
          // Tiers document, Backup Strategy, "Primary: Same cloud provider (different region)":
          // every production tier copies where its region has a pair (required on large tiers).
          copyRegion: db.crossRegionBackupCopy ? drRegionFor(config.region) : undefined,
        },
        opts,
      );
    if (writesToPrimary && primaryProvider)
      new PrimaryPeering(
        "peering",
        {
          source: primary.source,
          peeringConnectionId: network.peeringConnectionId!,
          cidr: config.network.cidr,
          sourceProvider: primaryProvider,
        },
        opts,
      );
    managed.database = {
      // A secondary writes to the primary's instance over the peering and reads its own replica.
      host: writesToPrimary ? primary.source.apply((s) => s.database?.host ?? "") : database.host,
      readHosts: writesToPrimary ? [database.host, ...database.readHosts] : database.readHosts,
      port: database.port,
      database: database.database,
      user: database.user,
      password: database.password,
    };
  }

  if (config.cache.mode === "managed" && alerts) {
    const cache = new Cache(
      "cache",
      {
        memoryGb: config.cache.memoryMb / 1024,
        replicas: config.cache.replicas,
        shards: config.cache.shards,
        identifierPrefix: prefix,
        subnetIds: network.subnetIds.data,
        securityGroupId: network.securityGroups.cache,
        alarmTopicArn: alerts.topicArn,
        snapshotTime: backupTime,
      },
      opts,
    );
    managed.cache = {
      host: cache.host,
      port: cache.port,
      password: cache.password,
      cluster: cache.cluster,
    };
  }

  const cdnServesMedia =
    cloudfront &&
    !frontedElsewhere &&
    config.objectStorage.buckets.some((b) => b.purpose === "media");
  let storage: ObjectStorage | undefined;
  if (config.objectStorage.mode === "managed") {
    storage = new ObjectStorage(
      "storage",
      {
        buckets: config.objectStorage.buckets,
        backups: config.backups,
        domain: config.domain,
        stack,
        region: config.region,
        mediaStorageGb: config.objectStorage.storageGb,
        accessLogDays: logDays,
        oidc: cluster.oidc,
        appServiceAccounts: [`${config.kubernetes.namespace}:*`],
        policyOwnedElsewhere: cdnServesMedia ? ["media"] : [],
      },
      opts,
    );
    managed.objectStorage = storage.facts;
    if (primary?.secondary) {
      const destinations = storage.byPurpose;
      new BucketReplication(
        "replication",
        {
          source: primary.source,
          destinations: { media: destinations.media, backup: destinations.backup },
          versioning: storage.versioning,
          keyArn: storage.keyArn,
          sourceProvider: primaryProvider!,
        },
        opts,
      );
    }
  }

  let edge: ClusterFacts["edge"];
  const mediaHost = `${config.cdn.mediaHost}.${config.domain}`;
  // Every public host, so none reaches the gateway around CloudFront's WAF.
  const hosts = edgeHosts(config.domain, config.apps).map((h) => h.host);
  // The distribution answers every public host and the media host (its aliases); README, DNS.
  const aliases = [...hosts, mediaHost];
  if (frontedElsewhere) {
    edge = {
      frontedBy: { provider: "cloudfront", stack: config.multiRegion.primaryStack ?? "" },
      proxied: { hosts: aliases, hops: CLOUDFRONT_PROXY_HOPS },
      createdRecords: origin?.records,
    };
  } else if (cloudfront) {
    const media = storage?.byPurpose.media;
    const cdn = new Cdn(
      "cdn",
      {
        domain: config.domain,
        hosts,
        minTlsVersion: config.edge.minTlsVersion,
        waf: config.edge.waf,
        mediaHost,
        originHost: `origin.${config.domain}`,
        asiaEdges: origin !== undefined,
        media:
          media && storage
            ? { bucket: media, keyId: storage.keyId, keyArn: storage.keyArn }
            : undefined,
      },
      opts,
    );
    edge = {
      cdn: aliases.map((host) => ({ host, target: cdn.distributionDomain })),
      // The origin's record is the stack's own in a group, the user's to create otherwise.
      originHosts: origin ? [] : [`origin.${config.domain}`],
      createdRecords: origin?.records,
      validationRecords: cdn.validationRecords,
      // Every alias goes to the gateway (the media host's /media/* alone goes to the bucket).
      proxied: { hosts: aliases, hops: CLOUDFRONT_PROXY_HOPS },
    };
  }

  return {
    provider: cluster.provider,
    pools: cluster.pools,
    storageClass: cluster.storageClass,
    // gp3 through the EBS CSI driver, allowVolumeExpansion on (components/aws/eks.ts).
    volumeExpansion: true,
    gatewayServiceAnnotations: origin
      ? {
          ...cluster.gatewayServiceAnnotations,
          ...origin.annotations,
          [NLB_SECURITY_GROUPS]: pulumi.interpolate`${network.securityGroups.dmz},${origin.securityGroupId}`,
        }
      : cluster.gatewayServiceAnnotations,
    clientAddress: GATEWAY_CLIENT_ADDRESS,
    managed,
    serverNetworks: writesToPrimary ? [config.network.cidr, primary.source.cidr] : undefined,
    loadBalancers: true,
    access: {
      kubeconfig: cluster.kubeconfig,
      command: pulumi.interpolate`aws eks update-kubeconfig --name ${cluster.clusterName} --region ${config.region}`,
      grants: Object.fromEntries(
        config.kubernetes.access.map((g) => [
          g.principalArn,
          kubeconfigCommand(prefix, config.region, stack, g),
        ]),
      ),
    },
    edge,
    replication: {
      source: replicationSource(config, network, databaseFacts, storage),
      secrets: pulumi.secret({ databasePassword }),
    },
  };
}

/** What this region hands a secondary (components/region): its network, database and buckets. */
function replicationSource(
  config: StackConfig,
  network: Network,
  database: { arn: pulumi.Output<string>; host: pulumi.Output<string> } | undefined,
  storage: ObjectStorage | undefined,
): pulumi.Output<ReplicationSource> {
  const buckets = Object.entries(storage?.byPurpose ?? {}).map(([purpose, bucket]) =>
    pulumi.all([bucket.bucket, bucket.arn, storage!.keyArn]).apply(([name, arn, keyArn]) => ({
      purpose,
      name,
      arn,
      region: config.region,
      keyArn,
    })),
  );
  return pulumi
    .all([
      database?.arn,
      database?.host,
      pulumi.all(buckets),
      network.vpcId,
      network.dataRouteTableId,
      network.securityGroups.database,
    ])
    .apply(([arn, host, made, vpcId, dataRouteTableId, databaseSecurityGroupId]) => ({
      provider: config.provider,
      region: config.region,
      cidr: config.network.cidr,
      network: { vpcId, dataRouteTableId, databaseSecurityGroupId },
      database:
        arn && host
          ? {
              arn,
              host,
              version: config.database.version,
              port: 5432,
              database: DATABASE_NAME,
              user: MASTER_USER,
            }
          : undefined,
      buckets: made,
      offsite: config.backups.offsite && {
        endpoint: config.backups.offsite.endpoint,
        bucket: config.backups.offsite.bucket,
      },
    }));
}

/** The AWS layer as the program and the offline plan see it (components/kit/cloud-layer.ts). */
export const awsLayer = defineCloudLayer("aws", awsCluster, {
  package: "aws",
  pricing: AWS_PRICING,
  mocks: AWS_MOCKS,
});
