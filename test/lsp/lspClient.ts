// A real LSP client over the stdio of a spawned `node dist/server.js --stdio`: the one harness of
// the language-server tests, the robustness tests and the round-trip benchmark. Settings are
// answered like VS Code answers workspace/configuration, diagnostics are collected, and the
// server's memory is readable from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { formatFromPath } from '../../server/src/parse';

/** The repository root: tests run bundled from out/…, so search upwards for our package.json. */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'xanes-lens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`repository root not found above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);
/** XANES_SERVER points the tests and the benchmark at another build of the server. */
export const SERVER = process.env.XANES_SERVER ?? path.join(ROOT, 'dist/server.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures/lsp');

export interface DiagnosticsWait {
  /** Only diagnostics published for this document version. */
  version?: number;
  timeoutMs?: number;
}

export interface TestServer {
  connection: MessageConnection;
  process: ChildProcess;
  stderr(): string;
  /** window/logMessage texts and xanes/status notifications, in order. */
  logs: string[];
  diagnostics: Map<string, PublishDiagnosticsParams[]>;
  /** Resolves with the first diagnostics for `uri` published after the call. */
  nextDiagnostics(uri: string, wait?: DiagnosticsWait): Promise<Diagnostic[]>;
  /**
   * didOpen: `target` is a URI (with `text`), or the name of a file in test/fixtures/lsp (its
   * content unless `text` is given). The language id follows the file name, as VS Code's does.
   */
  open(target: string, text?: string, languageId?: string): Promise<{ uri: string; text: string }>;
  /** A request the caller may cancel through `cancel`. */
  request<R>(method: string, params: unknown, cancel?: CancellationTokenSource): Promise<R>;
  alive(): boolean;
  /** Peak resident set size of the server process (VmHWM), in MB. */
  peakRssMb(): number;
  rssMb(): number;
  close(): Promise<void>;
}

export function fixtureUri(name: string): string {
  return pathToFileURL(path.join(FIXTURES, name)).toString();
}

function procStatus(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * `settings`: what every workspace/configuration request gets; null starts a client without the
 * configuration capability (the server then uses its defaults). `env` is added to the server's.
 */
export async function startServer(settings: Record<string, unknown> | null = null, env: Record<string, string> = {}): Promise<TestServer> {
  // XANES_SERVER_NODE_ARGS='--cpu-prof' profiles the server of a benchmark run.
  const nodeArgs = (process.env.XANES_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  const waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  const logs: string[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, [...(diagnostics.get(p.uri) ?? []), p]);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) {
        waiters.splice(i, 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  connection.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  connection.onNotification('xanes/status', (p: unknown) => {
    logs.push(`status ${JSON.stringify(p)}`);
  });
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: settings !== null } },
  });
  await connection.sendNotification('initialized', {});
  const pid = child.pid as number;

  return {
    connection,
    process: child,
    stderr: () => stderr,
    logs,
    diagnostics,
    nextDiagnostics(uri, wait = {}) {
      const timeoutMs = wait.timeoutMs ?? 30000;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, version: wait.version, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    async open(target, text, languageId) {
      const isUri = /^[a-z][\w+.-]*:/i.test(target);
      const uri = isUri ? target : fixtureUri(target);
      const content = text ?? readFileSync(isUri ? new URL(target) : path.join(FIXTURES, target), 'utf8');
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: languageId ?? formatFromPath(uri) ?? 'cif', version: 1, text: content },
      });
      return { uri, text: content };
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

/** 0-based line of the first line of `text` that starts with `prefix` (after whitespace). */
export function lineOf(text: string, prefix: string): number {
  const i = text.split(/\r?\n/).findIndex((l) => l.trimStart().startsWith(prefix));
  if (i < 0) throw new Error(`no line starting with ${prefix}`);
  return i;
}

export { CancellationTokenSource };
