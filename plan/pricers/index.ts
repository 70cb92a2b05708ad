// Each cloud layer registers the pricers of the resource types it creates here; the in-cluster
// volumes are priced by one pricer per Kubernetes type that branches on the provider.
import "./aws";
import "./cloudflare";
import "./digitalocean";
import "./hetzner";
import "./kubernetes";
export {};
