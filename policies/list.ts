import type {
  EnforcementLevel,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { awsBackupRequireRetention } from "./aws/aws-backup-require-retention";
import { awsCloudfrontRequireHsts } from "./aws/aws-cloudfront-require-hsts";
import { awsCloudfrontRequireTls } from "./aws/aws-cloudfront-require-tls";
import { awsCloudfrontRequireWaf } from "./aws/aws-cloudfront-require-waf";
import { awsDataRequireDeletionProtection } from "./aws/aws-data-require-deletion-protection";
import { awsEbsRequireEncryption } from "./aws/aws-ebs-require-encryption";
import { awsEc2DisallowPublicSsh } from "./aws/aws-ec2-disallow-public-ssh";
import { awsEc2LimitPublicIngress } from "./aws/aws-ec2-limit-public-ingress";
import { awsEksLimitPublicEndpoint } from "./aws/aws-eks-limit-public-endpoint";
import { awsEksRequireAuditLogs } from "./aws/aws-eks-require-audit-logs";
import { awsEksRequireNetworkPolicy } from "./aws/aws-eks-require-network-policy";
import { awsEksRequireSecretsEncryption } from "./aws/aws-eks-require-secrets-encryption";
import { awsElasticacheRequireEncryption } from "./aws/aws-elasticache-require-encryption";
import { awsElasticacheRequireMultiAz } from "./aws/aws-elasticache-require-multi-az";
import { awsLbRequireTls } from "./aws/aws-lb-require-tls";
import { awsRdsDisallowPublicAccess } from "./aws/aws-rds-disallow-public-access";
import { awsRdsRequireBackupRetention } from "./aws/aws-rds-require-backup-retention";
import { awsRdsRequireEncryption } from "./aws/aws-rds-require-encryption";
import { awsRdsRequireMultiAz } from "./aws/aws-rds-require-multi-az";
import { awsRdsRequireSsl } from "./aws/aws-rds-require-ssl";
import { awsS3DisallowPublicAcl } from "./aws/aws-s3-disallow-public-acl";
import { cloudflareDnsRequireProxied } from "./cloudflare/cloudflare-dns-require-proxied";
import { digitaloceanDataRequireDeletionProtection } from "./digitalocean/digitalocean-data-require-deletion-protection";
import { digitaloceanDatabaseDisallowPublicAccess } from "./digitalocean/digitalocean-database-disallow-public-access";
import { digitaloceanDatabaseRequireHa } from "./digitalocean/digitalocean-database-require-ha";
import { digitaloceanDatabaseRequirePrivateNetwork } from "./digitalocean/digitalocean-database-require-private-network";
import { digitaloceanFirewallDisallowPublicSsh } from "./digitalocean/digitalocean-firewall-disallow-public-ssh";
import { digitaloceanFirewallLimitPublicIngress } from "./digitalocean/digitalocean-firewall-limit-public-ingress";
import { digitaloceanKubernetesRequireAutoUpgrade } from "./digitalocean/digitalocean-kubernetes-require-auto-upgrade";
import { digitaloceanKubernetesRequireHa } from "./digitalocean/digitalocean-kubernetes-require-ha";
import { digitaloceanLoadbalancerRequireHttpsRedirect } from "./digitalocean/digitalocean-loadbalancer-require-https-redirect";
import { digitaloceanSpacesDisallowPublicAcl } from "./digitalocean/digitalocean-spaces-disallow-public-acl";
import { digitaloceanSpacesRequireLifecycle } from "./digitalocean/digitalocean-spaces-require-lifecycle";
import { digitaloceanSpacesRequireVersioning } from "./digitalocean/digitalocean-spaces-require-versioning";
import { hetznerAutoscalerRequireSecretCredentials } from "./hetzner/hetzner-autoscaler-require-secret-credentials";
import { hetznerCsiRequireEncryption } from "./hetzner/hetzner-csi-require-encryption";
import { hetznerDataRequireDeletionProtection } from "./hetzner/hetzner-data-require-deletion-protection";
import { hetznerFirewallDisallowPublicSsh } from "./hetzner/hetzner-firewall-disallow-public-ssh";
import { hetznerFirewallLimitPublicIngress } from "./hetzner/hetzner-firewall-limit-public-ingress";
import { hetznerVolumeRequireEncryption } from "./hetzner/hetzner-volume-require-encryption";
import { kubernetesCertmanagerRequireAutoRenewal } from "./kubernetes/kubernetes-certmanager-require-auto-renewal";
import { kubernetesDataRequireDeletionProtection } from "./kubernetes/kubernetes-data-require-deletion-protection";
import { kubernetesGatewayEnforceTlsVersion } from "./kubernetes/kubernetes-gateway-enforce-tls-version";
import { kubernetesHpaEnforceBounds } from "./kubernetes/kubernetes-hpa-enforce-bounds";
import { kubernetesPodDisallowHostNamespaces } from "./kubernetes/kubernetes-pod-disallow-host-namespaces";
import { kubernetesPodDisallowPrivileged } from "./kubernetes/kubernetes-pod-disallow-privileged";
import { kubernetesPodRequireNonRoot } from "./kubernetes/kubernetes-pod-require-non-root";
import { kubernetesPodRequirePinnedImage } from "./kubernetes/kubernetes-pod-require-pinned-image";
import { kubernetesPodRequireProbes } from "./kubernetes/kubernetes-pod-require-probes";
import { kubernetesPodRequireResources } from "./kubernetes/kubernetes-pod-require-resources";
import { kubernetesPostgresRequireBackupRetention } from "./kubernetes/kubernetes-postgres-require-backup-retention";
import { kubernetesPostgresRequireReplicas } from "./kubernetes/kubernetes-postgres-require-replicas";
import { kubernetesPostgresRequireSsl } from "./kubernetes/kubernetes-postgres-require-ssl";
import { kubernetesRouteRequireHsts } from "./kubernetes/kubernetes-route-require-hsts";
import { kubernetesServiceDisallowLoadBalancer } from "./kubernetes/kubernetes-service-disallow-load-balancer";
import { stackCloudflareRequireHsts } from "./stack/stack-cloudflare-require-hsts";
import { stackCloudflareRequireOriginLock } from "./stack/stack-cloudflare-require-origin-lock";
import { stackCloudflareRequireTls } from "./stack/stack-cloudflare-require-tls";
import { stackCloudflareRequireWaf } from "./stack/stack-cloudflare-require-waf";
import { stackCloudfrontRequireOriginLock } from "./stack/stack-cloudfront-require-origin-lock";
import { stackDatabaseRequireBackups } from "./stack/stack-database-require-backups";
import { stackDatabaseRequireFirewall } from "./stack/stack-database-require-firewall";
import { stackEbsRequireNodeEncryption } from "./stack/stack-ebs-require-node-encryption";
import { stackEksRequireAccessEntries } from "./stack/stack-eks-require-access-entries";
import { stackEc2LimitWebIngress } from "./stack/stack-ec2-limit-web-ingress";
import { stackGatewayRequireClientAddress } from "./stack/stack-gateway-require-client-address";
import { stackGatewayRequireEdge } from "./stack/stack-gateway-require-edge";
import { stackGatewayRequireHttps } from "./stack/stack-gateway-require-https";
import { stackHcloudRequireServerFirewall } from "./stack/stack-hcloud-require-server-firewall";
import { stackMonitoringRequireAlerting } from "./stack/stack-monitoring-require-alerting";
import { stackNamespaceRequireDefaultDeny } from "./stack/stack-namespace-require-default-deny";
import { stackNodepoolEnforceProfile } from "./stack/stack-nodepool-enforce-profile";
import { stackR2DisallowPublicAccess } from "./stack/stack-r2-disallow-public-access";
import { stackR2RequireBackupLock } from "./stack/stack-r2-require-backup-lock";
import { stackS3RequireEncryption } from "./stack/stack-s3-require-encryption";
import { stackS3RequireLifecycle } from "./stack/stack-s3-require-lifecycle";
import { stackS3RequirePublicAccessBlock } from "./stack/stack-s3-require-public-access-block";
import { stackS3RequireSecureTransport } from "./stack/stack-s3-require-secure-transport";
import { stackS3RequireVersioning } from "./stack/stack-s3-require-versioning";
import { stackWorkloadRequireDisruptionBudget } from "./stack/stack-workload-require-disruption-budget";

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const PACK_NAME = "platform-security";

/**
 * Default enforcement of every policy; a stack lowers or disables one through its policy-pack
 * config (`{"<policy>": "advisory"}`), and the offline plan applies the same per-stack overrides.
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

/** Every policy of the pack. The offline plan and the tests import this list, never `index.ts`. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  awsBackupRequireRetention,
  awsCloudfrontRequireHsts,
  awsCloudfrontRequireTls,
  awsCloudfrontRequireWaf,
  awsDataRequireDeletionProtection,
  awsEbsRequireEncryption,
  awsEc2DisallowPublicSsh,
  awsEc2LimitPublicIngress,
  awsEksLimitPublicEndpoint,
  awsEksRequireAuditLogs,
  awsEksRequireNetworkPolicy,
  awsEksRequireSecretsEncryption,
  awsElasticacheRequireEncryption,
  awsElasticacheRequireMultiAz,
  awsLbRequireTls,
  awsRdsDisallowPublicAccess,
  awsRdsRequireBackupRetention,
  awsRdsRequireEncryption,
  awsRdsRequireMultiAz,
  awsRdsRequireSsl,
  awsS3DisallowPublicAcl,
  cloudflareDnsRequireProxied,
  digitaloceanDataRequireDeletionProtection,
  digitaloceanDatabaseDisallowPublicAccess,
  digitaloceanDatabaseRequireHa,
  digitaloceanDatabaseRequirePrivateNetwork,
  digitaloceanFirewallDisallowPublicSsh,
  digitaloceanFirewallLimitPublicIngress,
  digitaloceanKubernetesRequireAutoUpgrade,
  digitaloceanKubernetesRequireHa,
  digitaloceanLoadbalancerRequireHttpsRedirect,
  digitaloceanSpacesDisallowPublicAcl,
  digitaloceanSpacesRequireLifecycle,
  digitaloceanSpacesRequireVersioning,
  hetznerAutoscalerRequireSecretCredentials,
  hetznerCsiRequireEncryption,
  hetznerDataRequireDeletionProtection,
  hetznerFirewallDisallowPublicSsh,
  hetznerFirewallLimitPublicIngress,
  hetznerVolumeRequireEncryption,
  kubernetesCertmanagerRequireAutoRenewal,
  kubernetesDataRequireDeletionProtection,
  kubernetesGatewayEnforceTlsVersion,
  kubernetesHpaEnforceBounds,
  kubernetesPodDisallowHostNamespaces,
  kubernetesPodDisallowPrivileged,
  kubernetesPodRequireNonRoot,
  kubernetesPodRequirePinnedImage,
  kubernetesPodRequireProbes,
  kubernetesPodRequireResources,
  kubernetesPostgresRequireBackupRetention,
  kubernetesPostgresRequireReplicas,
  kubernetesPostgresRequireSsl,
  kubernetesRouteRequireHsts,
  kubernetesServiceDisallowLoadBalancer,
  stackCloudflareRequireHsts,
  stackCloudflareRequireOriginLock,
  stackCloudflareRequireTls,
  stackCloudflareRequireWaf,
  stackCloudfrontRequireOriginLock,
  stackDatabaseRequireBackups,
  stackDatabaseRequireFirewall,
  stackEbsRequireNodeEncryption,
  stackEc2LimitWebIngress,
  stackEksRequireAccessEntries,
  stackGatewayRequireClientAddress,
  stackGatewayRequireEdge,
  stackGatewayRequireHttps,
  stackHcloudRequireServerFirewall,
  stackMonitoringRequireAlerting,
  stackNamespaceRequireDefaultDeny,
  stackNodepoolEnforceProfile,
  stackR2DisallowPublicAccess,
  stackR2RequireBackupLock,
  stackS3RequireEncryption,
  stackS3RequireLifecycle,
  stackS3RequirePublicAccessBlock,
  stackS3RequireSecureTransport,
  stackS3RequireVersioning,
  stackWorkloadRequireDisruptionBudget,
];

/** A Markdown table of the pack (name, rule enforced, default enforcement level) for the README. */
export function policyTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
  const rows = policies.map(
    (p) =>
      `| \`${p.name}\` | ${cell(p.description)} | ${p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL} |`,
  );
  return ["| Policy | Rule enforced | Default enforcement |", "| --- | --- | --- |", ...rows].join(
    "\n",
  );
}
