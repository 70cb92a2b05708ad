/** Compliant baselines shared by several policy tests; each test changes one property of a copy. */
import type { Fixture, Props } from "./harness";

export function rdsInstance(): Props {
  return {
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: "db.m7g.4xlarge",
    allocatedStorage: 1000,
    publiclyAccessible: false,
    storageEncrypted: true,
    backupRetentionPeriod: 30,
    multiAz: true,
    deletionProtection: true,
    parameterGroupName: "postgres16-ssl",
  };
}

/** A pod template that meets every pod rule: non-root, no privileges, resources, probes, pinned image. */
export function podSpec(): Props {
  const container = (name: string, image: string) => ({
    name,
    image,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
  });
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    },
    initContainers: [container("migrate", "ghcr.io/example/api:1.4.2")],
    containers: [
      {
        ...container("api", "ghcr.io/example/api:1.4.2"),
        ports: [{ containerPort: 3000 }],
        livenessProbe: { httpGet: { path: "/health", port: 3000 } },
        readinessProbe: { httpGet: { path: "/health", port: 3000 } },
      },
    ],
  };
}

const labels = { "app.kubernetes.io/name": "api" };

export function deployment(replicas = 3): Props {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "apps", labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec() },
    },
  };
}

export function statefulSet(): Props {
  const d = deployment(1);
  return {
    ...d,
    kind: "StatefulSet",
    spec: { ...d.spec, serviceName: "api", volumeClaimTemplates: [] },
  };
}

export function daemonSet(): Props {
  const d = deployment();
  const spec = { ...d.spec };
  delete spec.replicas;
  return { ...d, kind: "DaemonSet", spec };
}

export function job(): Props {
  const d = deployment();
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: d.metadata,
    spec: { template: d.spec.template },
  };
}

export function cronJob(): Props {
  const d = deployment();
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: d.metadata,
    spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: d.spec.template } } },
  };
}

/** A compliant CloudNativePG cluster: replicas, TLS-only pg_hba, 30-day backups. */
export function cnpgCluster(): Props {
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: "pg", namespace: "data" },
    spec: {
      instances: 2,
      imageName: "ghcr.io/cloudnative-pg/postgresql:16.4",
      postgresql: {
        parameters: { shared_buffers: "16GB" },
        pg_hba: ["hostnossl all all all reject", "hostssl all all all scram-sha-256"],
      },
      backup: {
        retentionPolicy: "30d",
        barmanObjectStore: { destinationPath: "s3://backups/pg" },
      },
    },
  };
}

/** An S3 bucket with every companion the bucket rules ask for, linked the way the engine links them. */
export function bucketStack(name = "media"): Fixture[] {
  const ref = { bucket: [name] };
  return [
    { type: "aws:s3/bucket:Bucket", name, props: { id: `${name}-id`, bucket: `${name}-id` } },
    {
      type: "aws:s3/bucketVersioning:BucketVersioning",
      name: `${name}-versioning`,
      props: { bucket: `${name}-id`, versioningConfiguration: { status: "Enabled" } },
      refs: ref,
    },
    {
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name: `${name}-sse`,
      props: {
        bucket: `${name}-id`,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
      },
      refs: ref,
    },
    {
      type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      name: `${name}-lifecycle`,
      props: {
        bucket: `${name}-id`,
        rules: [
          {
            id: "old-versions",
            status: "Enabled",
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      refs: ref,
    },
    {
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: `${name}-public-access`,
      props: {
        bucket: `${name}-id`,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      refs: ref,
    },
    {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: `${name}-policy`,
      props: {
        bucket: `${name}-id`,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [`arn:aws:s3:::${name}-id`, `arn:aws:s3:::${name}-id/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      refs: ref,
    },
  ];
}

export function eksCluster(): Props {
  return {
    roleArn: "arn:aws:iam::123456789012:role/eks",
    version: "1.33",
    vpcConfig: {
      subnetIds: ["subnet-a", "subnet-b"],
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
    },
    encryptionConfig: {
      provider: { keyArn: "arn:aws:kms:eu-central-1:123456789012:key/k" },
      resources: ["secrets"],
    },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  };
}

export function distribution(): Props {
  const behaviour = {
    allowedMethods: ["GET", "HEAD"],
    cachedMethods: ["GET", "HEAD"],
    targetOriginId: "media",
    viewerProtocolPolicy: "redirect-to-https",
    responseHeadersPolicyId: "hsts-policy-id",
  };
  return {
    enabled: true,
    origins: [{ originId: "media", domainName: "media.s3.amazonaws.com" }],
    defaultCacheBehavior: behaviour,
    orderedCacheBehaviors: [{ ...behaviour, pathPattern: "/static/*" }],
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: {
      acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
      sslSupportMethod: "sni-only",
      minimumProtocolVersion: "TLSv1.2_2021",
    },
  };
}

/** A DigitalOcean firewall: web open, SSH from the admin range, Postgres only from the VPC. */
export function doFirewall(): Props {
  return {
    name: "web",
    tags: ["platform-dmz"],
    inboundRules: [
      { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      { protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.0/24"] },
      { protocol: "tcp", portRange: "5432", sourceAddresses: ["10.10.0.0/16"] },
      { protocol: "icmp", sourceAddresses: ["0.0.0.0/0", "::/0"] },
    ],
    outboundRules: [
      { protocol: "tcp", portRange: "all", destinationAddresses: ["0.0.0.0/0", "::/0"] },
    ],
  };
}

export function doDatabase(): Props {
  return {
    name: "pg",
    engine: "pg",
    version: "16",
    size: "db-s-4vcpu-8gb",
    region: "fra1",
    nodeCount: 2,
  };
}

export function spacesBucket(): Props {
  return {
    name: "media",
    region: "fra1",
    acl: "private",
    versioning: { enabled: true },
    lifecycleRules: [
      { id: "old-versions", enabled: true, noncurrentVersionExpiration: { days: 30 } },
    ],
  };
}

export function doksCluster(): Props {
  return {
    name: "platform",
    region: "fra1",
    version: "1.33.1-do.0",
    autoUpgrade: true,
    surgeUpgrade: true,
    ha: true,
    nodePool: {
      name: "app",
      size: "g-8vcpu-32gb",
      nodeCount: 3,
      labels: { "platform/role": "app" },
    },
  };
}

/** A Hetzner Cloud firewall: web open, SSH and the k3s API only from the admin range. */
export function hcloudFirewall(): Props {
  return {
    name: "nodes",
    rules: [
      { direction: "in", protocol: "tcp", port: "80", sourceIps: ["0.0.0.0/0", "::/0"] },
      { direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"] },
      { direction: "in", protocol: "tcp", port: "2222", sourceIps: ["203.0.113.0/24"] },
      { direction: "in", protocol: "tcp", port: "6443", sourceIps: ["203.0.113.0/24"] },
      { direction: "in", protocol: "tcp", port: "any", sourceIps: ["10.0.0.0/16"] },
      { direction: "in", protocol: "icmp", sourceIps: ["0.0.0.0/0", "::/0"] },
      { direction: "out", protocol: "tcp", port: "any", destinationIps: ["0.0.0.0/0", "::/0"] },
    ],
  };
}

export function pod(): Props {
  const d = deployment();
  return { apiVersion: "v1", kind: "Pod", metadata: d.metadata, spec: podSpec() };
}

/** Each workload kind with its compliant baseline and where its pod spec sits. */
export const WORKLOADS = [
  { type: "kubernetes:apps/v1:Deployment", props: deployment, pod: "spec.template.spec" },
  { type: "kubernetes:apps/v1:StatefulSet", props: statefulSet, pod: "spec.template.spec" },
  { type: "kubernetes:apps/v1:DaemonSet", props: daemonSet, pod: "spec.template.spec" },
  { type: "kubernetes:batch/v1:Job", props: job, pod: "spec.template.spec" },
  {
    type: "kubernetes:batch/v1:CronJob",
    props: cronJob,
    pod: "spec.jobTemplate.spec.template.spec",
  },
  { type: "kubernetes:core/v1:Pod", props: pod, pod: "spec" },
] as const;

export function hpa(): Props {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "api", namespace: "apps" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicas: 3,
      maxReplicas: 50,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
    },
  };
}

export function gateway(): Props {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "public", namespace: "gateway" },
    spec: {
      gatewayClassName: "envoy",
      listeners: [
        { name: "http", protocol: "HTTP", port: 80 },
        {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          tls: { mode: "Terminate", certificateRefs: [{ name: "web-tls" }] },
        },
      ],
    },
  };
}

/** The app's route on the HTTPS listener, with the documented HSTS header. */
export function httpsRoute(): Props {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "api", namespace: "apps" },
    spec: {
      parentRefs: [{ name: "public", namespace: "gateway", sectionName: "https" }],
      hostnames: ["app.example.com"],
      rules: [
        {
          filters: [
            {
              type: "ResponseHeaderModifier",
              responseHeaderModifier: {
                set: [
                  {
                    name: "Strict-Transport-Security",
                    value: "max-age=31536000; includeSubDomains",
                  },
                ],
              },
            },
          ],
          backendRefs: [{ name: "api", port: 3000 }],
        },
      ],
    },
  };
}

/** The HTTP listener's only route: a 301 to https. */
export function redirectRoute(): Props {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "https-redirect", namespace: "gateway" },
    spec: {
      parentRefs: [{ name: "public", sectionName: "http" }],
      rules: [
        {
          filters: [
            { type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } },
          ],
        },
      ],
    },
  };
}
