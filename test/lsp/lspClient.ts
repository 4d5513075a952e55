// A real LSP client over the stdio of a spawned `node dist/server.js --stdio`, for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

/** The repository root: tests run bundled from out/…, so search upwards for our package.json. */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'xanes-lens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`repository root not found above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);
export const SERVER = path.join(ROOT, 'dist/server.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures/lsp');

export interface TestServer {
  connection: MessageConnection;
  process: ChildProcess;
  stderr: () => string;
  logs: string[];
  diagnostics: Map<string, PublishDiagnosticsParams[]>;
  /** Resolves with the first diagnostics for `uri` (optionally for `version`) published after the call. */
  nextDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<Diagnostic[]>;
  open(file: string, languageId?: string, text?: string): Promise<{ uri: string; text: string }>;
  close(): Promise<void>;
}

export function fixtureUri(name: string): string {
  return pathToFileURL(path.join(FIXTURES, name)).toString();
}

export async function startServer(settings: Record<string, unknown> | null = null): Promise<TestServer> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
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
  // Answer workspace/configuration like VS Code would.
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: settings !== null } },
  });
  await connection.sendNotification('initialized', {});

  const server: TestServer = {
    connection,
    process: child,
    stderr: () => stderr,
    logs,
    diagnostics,
    nextDiagnostics(uri, version, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, version, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    async open(file, languageId, text) {
      const uri = fixtureUri(file);
      const content = text ?? readFileSync(path.join(FIXTURES, file), 'utf8');
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: languageId ?? (file.endsWith('.xyz') ? 'xyz' : 'cif'), version: 1, text: content },
      });
      return { uri, text: content };
    },
    async close() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 2000);
          child.once('exit', () => { clearTimeout(t); resolve(); });
        });
      }
    },
  };
  return server;
}

/** 0-based line of the first line of `text` that starts with `prefix` (after whitespace). */
export function lineOf(text: string, prefix: string): number {
  const i = text.split(/\r?\n/).findIndex((l) => l.trimStart().startsWith(prefix));
  if (i < 0) throw new Error(`no line starting with ${prefix}`);
  return i;
}
