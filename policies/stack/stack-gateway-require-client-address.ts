import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as digitalocean from "@pulumi/digitalocean";
import * as hcloud from "@pulumi/hcloud";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CR, customResourceType, GatewayListener } from "../lib/crd";
import { kubeNameOf, namespaceOf } from "../lib/k8s";
import { whenKnown } from "../lib/props";
import { describe, ofType } from "../lib/stack";
import { configSchema, readConfig } from "../config";
import { hostsFrontedElsewhere } from "../lib/origin-lock";

const T = {
  envoyProxy: customResourceType("gateway.envoyproxy.io/v1alpha1", "EnvoyProxy"),
  gatewayClass: customResourceType("gateway.networking.k8s.io/v1", "GatewayClass"),
  backendTrafficPolicy: customResourceType(
    "gateway.envoyproxy.io/v1alpha1",
    "BackendTrafficPolicy",
  ),
};

type Cloud = "aws" | "digitalocean" | "hetzner";

/** Annotation prefixes each cloud's controller reads on a LoadBalancer Service. */
const PREFIX: Record<Cloud, string> = {
  aws: "service.beta.kubernetes.io/aws-load-balancer-",
  digitalocean: "service.beta.kubernetes.io/do-loadbalancer-",
  hetzner: "load-balancer.hetzner.cloud/",
};

/** What to set on each cloud so the load balancer hands the client's address on. */
const FIX: Record<Cloud, string> = {
  aws: `${PREFIX.aws}proxy-protocol: "*" (or ${PREFIX.aws}target-group-attributes: preserve_client_ip.enabled=true)`,
  digitalocean: `${PREFIX.digitalocean}enable-proxy-protocol: "true"`,
  hetzner: `${PREFIX.hetzner}uses-proxyprotocol: "true"`,
};

/**
 * How the client's address crosses the load balancer: a PROXY protocol header, the connection's
 * own source, or not at all; `unknown` when the stack does not say (a cluster it did not build,
 * or a value not known during preview).
 */
type Delivery = "proxy-protocol" | "source-address" | "dropped" | "unknown";

/** Marks an annotation whose value is not known during preview. */
const UNKNOWN = Symbol("unknown");

interface ServiceView {
  annotations: Record<string, unknown>;
  externalTrafficPolicy?: string;
}

/** `key=value,key=value`, as the AWS Load Balancer Controller reads attribute annotations. */
function attributes(value: unknown): Record<string, string> {
  if (typeof value !== "string") return {};
  return Object.fromEntries(
    value
      .split(",")
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter((kv) => kv.length === 2),
  );
}

/**
 * The load balancer's hop, as its controller reads the Service:
 * - Hetzner and DigitalOcean load balancers open their own connection to the node, so only
 *   PROXY protocol carries the client (hcloud-cloud-controller-manager `uses-proxyprotocol`,
 *   digitalocean-cloud-controller-manager `enable-proxy-protocol`, both off by default);
 * - an AWS NLB sends PROXY protocol v2 when asked; otherwise IP targets see the NLB's address
 *   unless `preserve_client_ip.enabled=true`, and instance targets keep the client's unless it is
 *   turned off or kube-proxy forwards to another node (`externalTrafficPolicy: Cluster`)
 *   (AWS Load Balancer Controller v2.13 docs/guide/service/annotations.md; Elastic Load Balancing,
 *   "Edit target group attributes for your Network Load Balancer").
 */
function deliveryOf(cloud: Cloud, service: ServiceView): Delivery {
  const value = (suffix: string): unknown =>
    whenKnown<unknown>(() => service.annotations[`${PREFIX[cloud]}${suffix}`], UNKNOWN);
  const read = (...suffixes: string[]) => suffixes.map(value);
  if (cloud === "hetzner" || cloud === "digitalocean") {
    const [flag] = read(cloud === "hetzner" ? "uses-proxyprotocol" : "enable-proxy-protocol");
    if (flag === UNKNOWN) return "unknown";
    return flag === "true" ? "proxy-protocol" : "dropped";
  }
  const [proxyProtocol, targetGroup, targetType, type] = read(
    "proxy-protocol",
    "target-group-attributes",
    "nlb-target-type",
    "type",
  );
  if ([proxyProtocol, targetGroup, targetType, type].includes(UNKNOWN)) return "unknown";
  const attrs = attributes(targetGroup);
  if (proxyProtocol === "*" || attrs["proxy_protocol_v2.enabled"] === "true")
    return "proxy-protocol";
  const ipTargets = targetType === "ip" || type === "nlb-ip";
  if (ipTargets)
    return attrs["preserve_client_ip.enabled"] === "true" ? "source-address" : "dropped";
  return attrs["preserve_client_ip.enabled"] !== "false" &&
    service.externalTrafficPolicy === "Local"
    ? "source-address"
    : "dropped";
}

/** The cloud whose controller reads the Service: its annotations say, else the stack's cluster. */
function cloudOf(service: ServiceView | undefined, stackCloud: Cloud | undefined) {
  const keys = whenKnown(() => Object.keys(service?.annotations ?? {}), [] as string[]);
  const named = (Object.keys(PREFIX) as Cloud[]).find((c) =>
    keys.some((k) => k.startsWith(PREFIX[c])),
  );
  return named ?? stackCloud;
}

/** The cloud the stack builds its cluster on, when it builds one. */
function stackCloudOf(resources: PolicyResource[]): Cloud | undefined {
  if (ofType(resources, aws.eks.Cluster).length > 0) return "aws";
  if (ofType(resources, digitalocean.KubernetesCluster).length > 0) return "digitalocean";
  if (ofType(resources, hcloud.Server).length > 0) return "hetzner";
  return undefined;
}

interface PolicyRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  sectionName?: string;
}

/** A policy's targets: `targetRefs`, or the older single `targetRef`. */
function targetsOf(policy: PolicyResource): PolicyRef[] {
  const spec = (policy.props.spec ?? {}) as { targetRefs?: PolicyRef[]; targetRef?: PolicyRef };
  return spec.targetRefs ?? (spec.targetRef ? [spec.targetRef] : []);
}

/** True when the ref names this Gateway from a policy in `namespace` (policies are local). */
function namesGateway(ref: PolicyRef, gateway: PolicyResource, namespace: string): boolean {
  return (
    ref.kind === "Gateway" &&
    ref.name === kubeNameOf(gateway.props, gateway.name) &&
    namespace === namespaceOf(gateway.props)
  );
}

interface RateLimitRule {
  clientSelectors?: { sourceCIDR?: { type?: string; value?: string } }[];
}

/** True when some rate-limit rule selects or buckets clients by their address. */
function keysOnClient(policy: PolicyResource): boolean {
  const rateLimit = (policy.props.spec?.rateLimit ?? {}) as {
    local?: { rules?: RateLimitRule[] };
    global?: { rules?: RateLimitRule[] };
  };
  return [...(rateLimit.local?.rules ?? []), ...(rateLimit.global?.rules ?? [])].some((rule) =>
    (rule.clientSelectors ?? []).some((s) => s.sourceCIDR !== undefined),
  );
}

/** Gateways whose traffic a client-keyed rate limit counts: targeted directly or via a route. */
function limitedGateways(resources: PolicyResource[], gateways: PolicyResource[]) {
  const routes = ofType(resources, CR.httpRoute);
  const limited = new Set<PolicyResource>();
  for (const policy of ofType(resources, T.backendTrafficPolicy).filter(keysOnClient)) {
    const ns = namespaceOf(policy.props);
    for (const ref of targetsOf(policy)) {
      for (const g of gateways.filter((g) => namesGateway(ref, g, ns))) limited.add(g);
      if (ref.kind !== "HTTPRoute") continue;
      const route = routes.find(
        (r) => kubeNameOf(r.props, r.name) === ref.name && namespaceOf(r.props) === ns,
      );
      const parents = (route?.props.spec?.parentRefs ?? []) as PolicyRef[];
      for (const p of parents)
        for (const g of gateways.filter((g) =>
          namesGateway({ ...p, kind: p.kind ?? "Gateway" }, g, p.namespace ?? ns),
        ))
          limited.add(g);
    }
  }
  return limited;
}

/** The EnvoyProxy whose Service fronts the Gateway: the Gateway's own, else its class's. */
function envoyProxyOf(resources: PolicyResource[], gateway: PolicyResource) {
  const proxies = ofType(resources, T.envoyProxy);
  const find = (ref: PolicyRef | undefined, fallbackNs: string) =>
    ref?.kind === "EnvoyProxy"
      ? proxies.find(
          (p) =>
            kubeNameOf(p.props, p.name) === ref.name &&
            namespaceOf(p.props) === (ref.namespace ?? fallbackNs),
        )
      : undefined;
  const gwNs = namespaceOf(gateway.props);
  const own = find(gateway.props.spec?.infrastructure?.parametersRef, gwNs);
  if (own) return own;
  const cls = ofType(resources, T.gatewayClass).find(
    (c) => kubeNameOf(c.props, c.name) === gateway.props.spec?.gatewayClassName,
  );
  return find(cls?.props.spec?.parametersRef, gwNs);
}

function serviceOf(proxy: PolicyResource | undefined): ServiceView | undefined {
  if (!proxy) return undefined;
  const service = proxy.props.spec?.provider?.kubernetes?.envoyService ?? {};
  return {
    annotations: service.annotations ?? {},
    externalTrafficPolicy: service.externalTrafficPolicy,
  };
}

interface ClientTrafficSpec {
  proxyProtocol?: { optional?: boolean };
  enableProxyProtocol?: boolean;
  clientIPDetection?: {
    xForwardedFor?: { numTrustedHops?: number; trustedCIDRs?: string[] };
    customHeader?: { name?: string };
  };
}

/** The ClientTrafficPolicy in force on each listener: one naming its section, else the Gateway's. */
function clientPolicies(resources: PolicyResource[], gateway: PolicyResource) {
  const policies = ofType(resources, CR.clientTrafficPolicy);
  const on = (section?: string) =>
    policies.find((p) =>
      targetsOf(p).some(
        (ref) => namesGateway(ref, gateway, namespaceOf(p.props)) && ref.sectionName === section,
      ),
    );
  const listeners = (gateway.props.spec?.listeners ?? []) as GatewayListener[];
  return listeners.map((listener) => {
    const policy = on(listener.name) ?? on(undefined);
    return { listener, policy, spec: (policy?.props.spec ?? {}) as ClientTrafficSpec };
  });
}

/**
 * Host names served through a CDN acting as an HTTP proxy: CloudFront to a custom origin (this
 * stack's, or the group's distribution in stack `frontedBy`), Cloudflare.
 */
function cdnHosts(resources: PolicyResource[], frontedBy: string): Set<string> {
  const hosts = new Set<string>(hostsFrontedElsewhere(resources, frontedBy));
  for (const d of ofType(resources, aws.cloudfront.Distribution)) {
    const origins = whenKnown(
      () => (d.props.origins ?? []) as { customOriginConfig?: object }[],
      [],
    );
    if (!origins.some((o) => o.customOriginConfig)) continue;
    for (const alias of whenKnown(() => (d.props.aliases ?? []) as string[], [])) hosts.add(alias);
  }
  // Cloudflare proxies a record or a load balancer marked `proxied` (an HTTP proxy like CloudFront).
  for (const r of ofType(resources, cloudflare.DnsRecord, cloudflare.LoadBalancer)) {
    const name = whenKnown(() => r.props.name as string | undefined, undefined);
    if (name && whenKnown(() => r.props.proxied === true, false)) hosts.add(name);
  }
  return hosts;
}

export const stackGatewayRequireClientAddress: StackValidationPolicy = {
  name: "stack-gateway-require-client-address",
  description:
    "Self-hosted deployment §6.1 (limit_req_zone keyed on $binary_remote_addr: 10 r/s, burst 20 per client): a gateway whose rate limit is keyed on the client's address receives that address through every hop. The cloud load balancer sends PROXY protocol (or, on AWS, preserves the source address), Envoy's ClientTrafficPolicy reads PROXY protocol exactly when the load balancer sends it (else every connection fails), and X-Forwarded-For is trusted only on hosts a CDN forwards, for the one entry the CDN appends.",
  configSchema: configSchema("frontedBy"),
  validateStack: (args, report) => {
    const gateways = ofType(args.resources, CR.gateway);
    if (gateways.length === 0) return;
    const limited = limitedGateways(args.resources, gateways);
    const stackCloud = stackCloudOf(args.resources);
    const viaCdn = cdnHosts(args.resources, readConfig(args).frontedBy);
    for (const gateway of gateways) {
      const proxy = envoyProxyOf(args.resources, gateway);
      const service = serviceOf(proxy);
      const cloud = cloudOf(service, stackCloud);
      const delivery: Delivery = cloud
        ? deliveryOf(cloud, service ?? { annotations: {} })
        : "unknown";
      const where = proxy ? describe(proxy) : `the default Service of ${describe(gateway)}`;
      const rateLimited = limited.has(gateway);
      if (rateLimited && delivery === "dropped" && cloud) {
        report(
          `${describe(gateway)} limits each client, but the ${cloud} load balancer of ${where} hands Envoy its own address, so all clients share one bucket: set ${FIX[cloud]} and accept PROXY protocol in the ClientTrafficPolicy.`,
          (proxy ?? gateway).urn,
        );
      }
      for (const { listener, policy, spec } of clientPolicies(args.resources, gateway)) {
        const reads = spec.proxyProtocol !== undefined || spec.enableProxyProtocol === true;
        const required = reads && spec.proxyProtocol?.optional !== true;
        const subject = `listener ${listener.name} of ${describe(gateway)}`;
        if (delivery === "proxy-protocol" && !reads) {
          report(
            `the load balancer of ${where} sends a PROXY protocol header, but ${subject} does not read it (${policy ? describe(policy) : "no ClientTrafficPolicy"}): every connection fails. Set spec.proxyProtocol.`,
            (policy ?? gateway).urn,
          );
        }
        if ((delivery === "source-address" || delivery === "dropped") && required) {
          report(
            `${subject} requires a PROXY protocol header (${describe(policy!)}) that the load balancer of ${where} never sends: every connection fails. Enable PROXY protocol on the load balancer or drop spec.proxyProtocol.`,
            policy!.urn,
          );
        }
        if (!rateLimited) continue;
        const xff = spec.clientIPDetection?.xForwardedFor;
        const hops = xff?.numTrustedHops ?? 0;
        const behindCdn = listener.hostname !== undefined && viaCdn.has(listener.hostname);
        if (behindCdn && !(hops === 1 || (xff?.trustedCIDRs ?? []).length > 0)) {
          report(
            `${subject} serves ${listener.hostname} through CloudFront, whose edge is the connection's source; it must take the client from the one X-Forwarded-For entry CloudFront appends (clientIPDetection.xForwardedFor.numTrustedHops: 1, got ${hops}).`,
            (policy ?? gateway).urn,
          );
        }
        if (!behindCdn && (hops > 0 || spec.clientIPDetection?.customHeader)) {
          report(
            `${subject} takes the client's address from a request header no proxy in front of it writes (${describe(policy!)}): any client can name its own address and escape its bucket.`,
            policy!.urn,
          );
        }
      }
    }
  },
};
