import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { NAMESPACE, pagerOf } from "../../config";
import { stringSecret } from "../k8s";
import { alertmanagerConfig } from "./alertmanager-config";
import {
  RECEIVER_SECRET,
  RECEIVER_SECRET_KEYS,
  alertReceivers,
  requiredSecretKeys,
  type MonitoringConfig,
} from "./alert-receivers";

/** Alertmanager's configuration, and the Secret of its receivers' credentials when they have any. */
export interface AlertmanagerReceivers {
  config: pulumi.Output<Record<string, unknown>>;
  secret?: k8s.core.v1.Secret;
}

/**
 * Alertmanager's receivers: their credentials read from secret config (only for the receivers the
 * stack configures) into a Secret of the monitoring namespace, and the rendered configuration.
 */
export function alertmanagerReceivers(
  name: string,
  receivers: MonitoringConfig["receivers"],
  namespace: string,
  parent: pulumi.Resource,
): AlertmanagerReceivers {
  const config = new pulumi.Config(NAMESPACE);
  const secretData: Record<string, pulumi.Output<string>> = {};
  for (const key of requiredSecretKeys(receivers))
    secretData[RECEIVER_SECRET_KEYS[key]] = config.requireSecret(key);
  // Rendered now, so a bad receiver stops the program before anything is registered; a webhook
  // pager's URL is a secret known later, checked here with a stand-in.
  const rendered = alertmanagerConfig(alertReceivers(receivers, "https://pager.invalid/"));
  const amConfig = (
    pagerOf(receivers)?.type === "webhook"
      ? config
          .requireSecret("pagingSecret")
          .apply((url) => alertmanagerConfig(alertReceivers(receivers, url)))
      : pulumi.output(rendered)
  ) as pulumi.Output<Record<string, unknown>>;
  const receiverSecret =
    Object.keys(secretData).length > 0
      ? stringSecret(
          `${name}-receivers`,
          {
            name: RECEIVER_SECRET,
            namespace,
            labels: { "app.kubernetes.io/part-of": "platform" },
            stringData: secretData,
          },
          { parent },
        )
      : undefined;
  return { config: amConfig, secret: receiverSecret };
}
