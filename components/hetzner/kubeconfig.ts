/**
 * How the program gets the k3s kubeconfig: the configured one, or fetched over SSH in the same
 * `pulumi up` that builds the servers (when the admin SSH key is set), or, with neither, a
 * documented stop that says how to fetch it by hand (docs/hetzner.md, First deployment).
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { KUBERNETES_API_PORT, SSH_PORT } from "./firewalls";

/** Config key of the k3s kubeconfig: the Kubernetes provider's own key. */
export const KUBECONFIG_KEY = "kubernetes:kubeconfig";
/** Where k3s writes the admin kubeconfig on a server (k3s docs, Cluster Access). */
export const K3S_KUBECONFIG_PATH = "/etc/rancher/k3s/k3s.yaml";
/** The address k3s writes into that kubeconfig, which only works on the server itself. */
export const K3S_LOCAL_SERVER = `https://127.0.0.1:${KUBERNETES_API_PORT}`;

/**
 * The bounds of the wait, one run of cloud-init long: the first dials fail until the bootstrap
 * script has moved sshd to 2222 (after the package upgrade), then k3s writes its kubeconfig once
 * it has started. pulumi/pulumi-command's `Connection.Dial` (provider/pkg/provider/remote/
 * connection.go) retries a failed dial until `dialErrorLimit` dials have failed, each waiting at
 * least the SDK's 5 s retry delay and at most `perDialTimeout` more: 180 dials are 15 to 60 min.
 */
export const FETCH_LIMITS = { dials: 180, perDialSeconds: 15, fileWaits: 120, waitSeconds: 5 };

/** The command that stores the k3s kubeconfig of the first server by hand, its address filled in. */
export function kubeconfigCommand(serverIp: string): string {
  return (
    `ssh -p ${SSH_PORT} root@${serverIp} cat ${K3S_KUBECONFIG_PATH} | ` +
    `sed 's/127.0.0.1/${serverIp}/' | pulumi config set --secret ${KUBECONFIG_KEY}`
  );
}

/**
 * The shell the SSH fetch runs on the first k3s server: wait for cloud-init (which installs k3s),
 * then, bounded, for k3s's kubeconfig, and print it with the server's public address in place of
 * 127.0.0.1 (the API certificate names that address: cloud-init.ts, tls-san). Nothing but the
 * kubeconfig reaches stdout; a timeout fails the resource, and `pulumi up` can simply run again.
 */
export function kubeconfigFetchScript(
  serverIp: string,
  path = K3S_KUBECONFIG_PATH,
  limits = FETCH_LIMITS,
): string {
  if (!/^[0-9a-f.:]+$/i.test(serverIp)) throw new Error(`not an IP address: ${serverIp}`);
  return [
    "set -eu",
    // `--wait` returns once cloud-init is done, non-zero if a module failed; the file decides.
    "cloud-init status --wait >/dev/null 2>&1 || true",
    "tries=0",
    `until [ -s '${path}' ]; do`,
    "  tries=$((tries + 1))",
    `  if [ "$tries" -gt ${limits.fileWaits} ]; then`,
    `    echo "k3s wrote no kubeconfig at ${path} in ${(limits.fileWaits * limits.waitSeconds) / 60} minutes" >&2`,
    "    exit 1",
    "  fi",
    `  sleep ${limits.waitSeconds}`,
    "done",
    `sed 's#${K3S_LOCAL_SERVER}#https://${serverIp}:${KUBERNETES_API_PORT}#' '${path}'`,
    "",
  ].join("\n");
}

/**
 * The first deployment without an SSH key has no kubeconfig: k3s writes it on the first server at
 * boot. Once every server exists the program stops with this, saying how to fetch it.
 */
export class KubeconfigMissingError extends pulumi.RunError {
  constructor(serverIp: string) {
    const ssh = `ssh -p ${SSH_PORT} root@${serverIp}`;
    super(
      `${KUBECONFIG_KEY} is not set. The servers are up and k3s is starting on ${serverIp}; ` +
        `when \`${ssh} cloud-init status --wait\` reports done, store the kubeconfig with\n` +
        `  ${kubeconfigCommand(serverIp)}\n` +
        "and run `pulumi up` again (docs/hetzner.md, First deployment; or set " +
        "platform:sshPrivateKey and the program fetches it itself).",
    );
    this.name = "KubeconfigMissingError";
  }
}

/**
 * The kubeconfig the providers use: the configured one, or (first deployment) an output that
 * fails with `KubeconfigMissingError` once everything in `ready` exists, so the machines are
 * built before the program stops and nothing in the cluster is attempted.
 */
export function kubeconfigOrStop(
  kubeconfig: pulumi.Input<string> | undefined,
  ready: pulumi.Input<unknown>[],
  serverIp: pulumi.Input<string>,
): pulumi.Output<string> {
  if (kubeconfig !== undefined) return pulumi.secret(kubeconfig);
  return pulumi.all([serverIp, ...ready]).apply(([ip]): string => {
    throw new KubeconfigMissingError(String(ip));
  });
}

export interface KubeconfigFetchArgs {
  /** Public IPv4 of the first k3s server. */
  serverIp: pulumi.Input<string>;
  /** The server's id: a replaced server is fetched from again. */
  serverId: pulumi.Input<string>;
  /** OpenSSH private key whose public half root admits (`platform:sshPrivateKey`, secret). */
  privateKey: pulumi.Input<string>;
}

/**
 * The k3s kubeconfig fetched over SSH (port 2222, as root with the admin key) from the first k3s
 * server in the run that creates it, so the Kubernetes provider uses it at once. It runs once per
 * server (create, or the server replaced); later runs read it from the state. The key and the
 * kubeconfig are secrets and the command logs nothing. The machine that runs `pulumi up` must be
 * in `adminCidrs`: the firewalls admit SSH and the API from there only. Cost: free.
 */
export class KubeconfigFetch extends pulumi.ComponentResource {
  /** The kubeconfig, addressed to the server's public IPv4 (secret). */
  public readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: KubeconfigFetchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:KubeconfigFetch", name, {}, opts);
    const fetch = new command.remote.Command(
      `${name}-ssh`,
      {
        connection: {
          host: args.serverIp,
          port: SSH_PORT,
          user: "root",
          privateKey: pulumi.secret(args.privateKey),
          dialErrorLimit: FETCH_LIMITS.dials,
          perDialTimeout: FETCH_LIMITS.perDialSeconds,
        },
        create: pulumi.output(args.serverIp).apply((ip) => kubeconfigFetchScript(ip)),
        triggers: [args.serverId],
        logging: "none",
      },
      { parent: this, additionalSecretOutputs: ["stdout"] },
    );
    this.kubeconfig = pulumi.secret(fetch.stdout);
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
