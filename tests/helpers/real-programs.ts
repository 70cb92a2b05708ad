/**
 * Helpers for tests that check generated configuration with the real server programs from Debian's
 * packages (scripts/test-programs.txt). Every wait is bounded, servers listen on 127.0.0.1 only,
 * and a missing program fails the test with the package to install instead of skipping it.
 */
import { spawn, execFileSync, ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const LOOPBACK = "127.0.0.1";

/** Absolute path of `program`, searched in `dirs` and then PATH; throws naming the Debian package. */
export function requireProgram(
  program: string,
  debianPackage: string,
  dirs: string[] = [],
): string {
  const searched = [
    ...dirs,
    ...(process.env.PATH ?? "").split(path.delimiter),
    "/usr/sbin",
    "/sbin",
  ];
  for (const dir of searched) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${program} not found: install the Debian package ${debianPackage} ` +
      `(scripts/install-test-programs.sh installs it)`,
  );
}

/** Directory of the newest installed Postgres server binaries (Debian: /usr/lib/postgresql/<ver>/bin). */
export function postgresBinDir(root = "/usr/lib/postgresql"): string {
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      `no Postgres server under ${root}: install the Debian package postgresql ` +
        "(scripts/install-test-programs.sh installs it)",
    );
  return path.join(root, versions[0], "bin");
}

export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * The identity to run a server as. Postgres refuses to run as root, so a root test process drops
 * to `user`; any other user runs the programs as itself.
 */
export function runAsUser(user: string): RunAs | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** A fresh directory under the system temp dir, owned by `owner` when given. */
export function makeTempDir(prefix: string, owner?: RunAs): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/** Writes `text` to `file`, owned by `owner` when given, with `mode`. */
export function writeFileAs(file: string, text: string, owner?: RunAs, mode = 0o644): void {
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  if (owner) fs.chownSync(file, owner.uid, owner.gid);
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

export interface RunOptions {
  as?: RunAs;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Killed (SIGKILL) after this long. @default 15000 */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function spawnOptions(opts: RunOptions) {
  return {
    cwd: opts.cwd ?? os.tmpdir(),
    env: { ...process.env, ...(opts.cwd ? { HOME: opts.cwd } : {}), ...opts.env },
    ...(opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
  };
}

/** Runs a program to completion within a time limit; never rejects on a non-zero exit. */
export function run(program: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...spawnOptions(opts), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 15000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    // A program that exits without reading its input (redis-cli while the server still starts)
    // closes the pipe first: EPIPE then says nothing the exit code and stderr do not.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** Like `run`, but throws with the program's output unless it exits 0. */
export async function runOk(
  program: string,
  args: string[],
  opts: RunOptions = {},
): Promise<string> {
  const result = await run(program, args, opts);
  if (result.code !== 0 || result.timedOut)
    throw new Error(
      `${path.basename(program)} ${args.join(" ")} ${result.timedOut ? "timed out" : `exited ${result.code}`}\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
  );
}

/** True when `promise` settles within `ms`; the timer is cleared so it never holds the test run open. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ServerHandle {
  readonly process: ChildProcess;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  exited(): boolean;
  /** Sends `signal`, waits up to `timeoutMs`, then SIGKILL; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/**
 * Starts a long-running server in the foreground (no daemonizing, so the test owns its process)
 * and waits until `ready` returns true, the server exits, or `timeoutMs` passes.
 */
export async function startServer(
  program: string,
  args: string[],
  ready: () => Promise<boolean>,
  opts: RunOptions = {},
): Promise<ServerHandle> {
  const child = spawn(program, args, { ...spawnOptions(opts), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let exited = child.exitCode !== null;
  const gone = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  child.on("error", (e) => (output += `\nspawn error: ${String(e)}`));

  const handle: ServerHandle = {
    process: child,
    output: () => output,
    exited: () => exited,
    async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10000) {
      if (exited) return;
      child.kill(signal);
      if (!(await settlesWithin(gone, timeoutMs))) {
        child.kill("SIGKILL");
        await settlesWithin(gone, 2000);
      }
    },
  };

  const timeoutMs = opts.timeoutMs ?? 20000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${path.basename(program)} exited during start-up:\n${output}`);
    let isReady = false;
    try {
      isReady = await ready();
    } catch {
      isReady = false;
    }
    if (isReady) return handle;
    await new Promise((r) => setTimeout(r, 100));
  }
  await handle.stop("SIGKILL");
  throw new Error(`${path.basename(program)} was not ready within ${timeoutMs} ms:\n${output}`);
}
