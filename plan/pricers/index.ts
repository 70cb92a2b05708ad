// Each cloud layer registers the pricers of the resource types it creates here.
import "./aws";
import "./digitalocean";
import "./hetzner";
export {};
