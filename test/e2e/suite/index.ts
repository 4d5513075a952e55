// Mocha entry that VS Code loads as extensionTestsPath (the same file for the offline
// code-server workbench and for @vscode/test-electron). Reports through console.log, which the
// workbench forwards to the runner.
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  // Installs describe/it as globals before the bundled test module is evaluated.
  mocha.suite.emit('pre-require', globalThis, 'extension.e2e', mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./extension.e2e');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} e2e test(s) failed`)) : resolve()));
  });
}
