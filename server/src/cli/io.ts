// Every CLI subcommand is a module exporting `run(args, io)`; the dispatcher (server/src/cli.ts)
// only routes. Taking io as a parameter lets tests run subcommands in-process.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;
