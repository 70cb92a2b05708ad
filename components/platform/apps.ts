import { App } from "../apps";
import type { Delivery } from "../delivery";
import type { Monitoring } from "../monitoring";
import type { DataEndpoints } from "../contract";
import { appAccountAnnotations, appEnv, regionEnv } from "./app-env";
import type { PlatformScope } from "./namespaces";

/** App tier: every app of the config, connected to the data endpoints. */
export function appTier(
  scope: PlatformScope,
  deps: { endpoints: DataEndpoints; monitoring: Monitoring; delivery?: Delivery },
): App[] {
  const { parent, name, config, cluster, names } = scope;
  const { endpoints, monitoring, delivery } = deps;
  const secretEnv = appEnv(endpoints);
  const platformEnv = regionEnv(config);
  return config.apps.map(
    (app) =>
      new App(
        `${name}-${app.name}`,
        {
          app,
          namespace: scope.namespaces.apps.name,
          pools: cluster.pools,
          gatewayNamespace: names.gateway,
          monitoringNamespace: names.monitoring,
          secretEnv,
          platformEnv,
          // `platform:apps` from `secure:`: its env is kept secret (config/secrets.ts).
          envIsSecret: config.secretKeys?.includes("apps") ?? false,
          rotation: config.secrets.rotation,
          serviceAccountAnnotations: appAccountAnnotations(endpoints.objectStorage),
          delivery: delivery && {
            dependsOn: [delivery.release],
            prometheusUrl: monitoring.prometheusUrl,
            namespace: names.apps,
          },
        },
        { parent },
      ),
  );
}
