// A bare LSP client over the stdio of a spawned `node dist/server.js --stdio`, for robustness
// tests and the round-trip benchmark: settings answered like VS Code, diagnostics collected,
// the server's peak RSS readable from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CancellationTokenSource,
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'xanes-lens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`repository root not found above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);
export const SERVER_JS = process.env.XANES_SERVER ?? path.join(ROOT, 'dist/server.js');

export interface Harness {
  connection: MessageConnection;
  child: ChildProcess;
  stderr(): string;
  logs: string[];
  open(uri: string, text: string, languageId?: string): Promise<void>;
  /** Diagnostics of `uri` published after this call. */
  nextDiagnostics(uri: string, timeoutMs?: number): Promise<unknown[]>;
  /** Request with a token the caller can cancel. */
  request<R>(method: string, params: unknown, cancel?: CancellationTokenSource): Promise<R>;
  alive(): boolean;
  /** Peak resident set size of the server process (VmHWM), in MB. */
  peakRssMb(): number;
  rssMb(): number;
  close(): Promise<void>;
}

function procStatus(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function startServer(settings: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<Harness> {
  // XANES_SERVER_NODE_ARGS='--cpu-prof' profiles the server of a benchmark run.
  const nodeArgs = (process.env.XANES_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const logs: string[] = [];
  const waiters: { uri: string; resolve: (d: unknown[]) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].uri === p.uri) waiters.splice(i, 1)[0].resolve(p.diagnostics);
    }
  });
  connection.onNotification('window/logMessage', (...args: unknown[]) => { logs.push(String((args[0] as { message?: string }).message)); });
  connection.onNotification('xanes/status', (...args: unknown[]) => { logs.push(`status ${JSON.stringify(args[0])}`); });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await connection.sendNotification('initialized', {});
  const pid = child.pid as number;
  return {
    connection,
    child,
    stderr: () => stderr,
    logs,
    async open(uri, text, languageId) {
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: languageId ?? (/\.(ext)?xyz$/.test(uri) ? 'xyz' : 'cif'), version: 1, text },
      });
    },
    nextDiagnostics(uri, timeoutMs = 30000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    request<R>(method: string, params: unknown, cancel?: CancellationTokenSource) {
      const p = params as object;
      return cancel ? connection.sendRequest<R>(method, p, cancel.token) : connection.sendRequest<R>(method, p);
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    peakRssMb: () => procStatus(pid, 'VmHWM'),
    rssMb: () => procStatus(pid, 'VmRSS'),
    async close() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 3000);
          child.once('exit', () => { clearTimeout(t); resolve(); });
        });
      }
    },
  };
}

export { CancellationTokenSource };
