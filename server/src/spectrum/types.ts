// Plain spectrum data shared by the CLI, the extension host and the webview.

/** A spectrum on an ascending energy grid (eV). */
export interface Spectrum {
  energies: number[];
  mu: number[];
}
