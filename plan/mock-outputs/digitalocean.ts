import { ipGatewayAddress, type LayerMocks } from "../../components/kit/cloud-layer";

const DATABASES = new Set([
  "digitalocean:index/databaseCluster:DatabaseCluster",
  "digitalocean:index/databaseReplica:DatabaseReplica",
  "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool",
]);

/** What DigitalOcean computes for the DigitalOcean layer's types that dependants read. */
export const DIGITALOCEAN_MOCKS: LayerMocks = {
  outputs(type, name, inputs) {
    if (type === "digitalocean:index/cdn:Cdn")
      return {
        endpoint: String(inputs.origin ?? name).replace(
          ".digitaloceanspaces.com",
          ".cdn.digitaloceanspaces.com",
        ),
      };
    if (DATABASES.has(type))
      return {
        privateHost: `private-${name}.mock.db.ondigitalocean.com`,
        port: type.endsWith("DatabaseCluster") && inputs.engine === "pg" ? 25060 : 25061,
      };
    if (type === "digitalocean:index/spacesKey:SpacesKey")
      return { accessKey: `${name}-access-key`, secretKey: `${name}-secret-key` };
    return undefined;
  },
  gatewayAddress: ipGatewayAddress,
};
