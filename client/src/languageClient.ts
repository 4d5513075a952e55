// Starts dist/server.js over node IPC for the structure languages.
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

/** The languages package.json contributes and the server reads; every editor feature serves these. */
export const STRUCTURE_LANGUAGES = ['cif', 'xyz', 'poscar'] as const;

/** A document selector for every structure language (for VS Code's API and the language client alike). */
export function structureSelector(): { language: string }[] {
  return STRUCTURE_LANGUAGES.map((language) => ({ language }));
}

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // No scheme filter: in a remote/web workbench documents still arrive as file: on the
    // extension host, but untitled CIFs pasted by hand deserve lenses too.
    documentSelector: structureSelector(),
    outputChannel: output,
    synchronize: { configurationSection: 'xanes' },
  };
  return new LanguageClient('xanesLens', 'XANES Lens', serverOptions, clientOptions);
}
