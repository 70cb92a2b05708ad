import { CLOUD_LAYERS } from "../../components";
import type { CloudLayer } from "../../components/kit/cloud-layer";
import { registerPricers } from "../cost";
import { CLOUDFLARE_PRICERS } from "./cloudflare";
import { KUBERNETES_PRICERS, registerVolumeRate } from "./kubernetes";

/**
 * Registers what each cloud layer prices (its resource types, and the rate of the volumes its CSI
 * driver makes from claims), then the pricers no cloud owns: the Kubernetes claims and the
 * Cloudflare edge. A cloud's pricers come with its `CloudLayer` (components/index.ts), never from
 * an import here.
 */
export function registerLayerPricers(layers: readonly CloudLayer[]): void {
  for (const layer of layers) {
    registerPricers(layer.pricers);
    registerVolumeRate(layer.provider, (storageClass) => layer.volumeRate(storageClass));
  }
  registerPricers(KUBERNETES_PRICERS);
  registerPricers(CLOUDFLARE_PRICERS);
}

registerLayerPricers(Object.values(CLOUD_LAYERS));
