import { appBackends } from "../apps";
import { Gateway } from "../gateway";
import type { PlatformScope } from "./namespaces";

/** DMZ tier: the gateway, the only entry from outside the cluster. */
export function dmz(scope: PlatformScope): Gateway {
  const { parent, name, config, cluster, names } = scope;
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
      production: config.kubernetes.highAvailability,
      issuer: config.tls.issuer,
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
      proxyResources: config.gateway.proxyResources,
    },
    { parent, dependsOn: [scope.namespaces.gateway] },
  );
}
