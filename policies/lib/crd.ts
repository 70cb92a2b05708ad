import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import type { KubeObject } from "./k8s";

/** Pulumi's type token for a custom resource: `kubernetes:<apiVersion>:<kind>`. */
export function customResourceType(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion}:${kind}`;
}

/**
 * `validateResourceOfType` for custom resources, which have no SDK class: checks the type token
 * and carries `__pulumiType` so the policy server skips other types without calling us.
 */
export function validateCustomResource<TSpec>(
  apiVersion: string,
  kind: string,
  validate: (cr: KubeObject<TSpec>, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  const type = customResourceType(apiVersion, kind);
  const fn = (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type !== type) {
      return args.notApplicable(`Policy only applies to resources of type '${type}'`);
    }
    return validate(args.props as KubeObject<TSpec>, args, report);
  };
  return Object.assign(fn, { __pulumiType: type });
}

/** Type tokens of the custom resources the pack judges. */
export const CR = {
  gateway: customResourceType("gateway.networking.k8s.io/v1", "Gateway"),
  httpRoute: customResourceType("gateway.networking.k8s.io/v1", "HTTPRoute"),
  clientTrafficPolicy: customResourceType("gateway.envoyproxy.io/v1alpha1", "ClientTrafficPolicy"),
  clusterIssuer: customResourceType("cert-manager.io/v1", "ClusterIssuer"),
  issuer: customResourceType("cert-manager.io/v1", "Issuer"),
  certificate: customResourceType("cert-manager.io/v1", "Certificate"),
  cnpgCluster: customResourceType("postgresql.cnpg.io/v1", "Cluster"),
  cnpgScheduledBackup: customResourceType("postgresql.cnpg.io/v1", "ScheduledBackup"),
  barmanObjectStore: customResourceType("barmancloud.cnpg.io/v1", "ObjectStore"),
  prometheusRule: customResourceType("monitoring.coreos.com/v1", "PrometheusRule"),
} as const;

/** The CloudNativePG Cluster fields the pack reads. */
export interface CnpgClusterSpec {
  instances?: number;
  postgresql?: { parameters?: Record<string, string>; pg_hba?: string[] };
  backup?: { retentionPolicy?: string; barmanObjectStore?: unknown };
  plugins?: { name?: string; enabled?: boolean; isWALArchiver?: boolean }[];
}

/** Gateway API shapes the TLS rules read. */
export interface GatewayListener {
  name: string;
  protocol: string;
  port?: number;
  hostname?: string;
  tls?: { mode?: string; certificateRefs?: unknown[] };
}
export interface HttpRouteFilter {
  type: string;
  requestRedirect?: { scheme?: string; statusCode?: number };
  responseHeaderModifier?: {
    set?: { name: string; value: string }[];
    add?: { name: string; value: string }[];
  };
}
export interface HttpRouteRule {
  filters?: HttpRouteFilter[];
  backendRefs?: { name?: string; filters?: HttpRouteFilter[] }[];
}
export interface HttpRouteSpec {
  parentRefs?: {
    name: string;
    namespace?: string;
    sectionName?: string;
    port?: number;
    kind?: string;
  }[];
  rules?: HttpRouteRule[];
}
