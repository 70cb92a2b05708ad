import { appBackends } from "../apps";
import { Gateway } from "../gateway";
import type { PlatformScope } from "./namespaces";

/** DMZ tier: the gateway, the only entry from outside the cluster. */
export function dmz(scope: PlatformScope): Gateway {
  const { parent, name, config, cluster, names, environment } = scope;
  return new Gateway(
    `${name}-gateway`,
    {
      domain: config.domain,
      apps: config.apps.map((app) => ({
        name: app.name,
        host: app.host,
        pathPrefix: app.pathPrefix,
        public: app.public,
        backends: appBackends(app),
        port: app.port,
        cacheDynamic: app.cacheDynamic,
      })),
      pools: cluster.pools,
      environment,
      acmeEmail: config.tls.acmeEmail || `hostmaster@${config.domain}`,
      gatewayNamespace: names.gateway,
      appsNamespace: names.apps,
      monitoringNamespace: names.monitoring,
      serviceAnnotations: cluster.gatewayServiceAnnotations,
      // The load balancer's annotations and Envoy's listener follow the same cloud fact.
      clientAddress: cluster.clientAddress,
      proxied: cluster.edge?.proxied,
      awaitAddress: cluster.loadBalancers,
      // The delivery controller's error-rate analysis reads Envoy's per-endpoint counters.
      endpointStats: scope.progressive,
      // A laptop cluster or the small tier's single server cannot spare half a core a proxy.
      proxyResources:
        config.tier === "local" || config.tier === "small"
          ? { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } }
          : undefined,
    },
    { parent, dependsOn: [scope.namespaces.gateway] },
  );
}
