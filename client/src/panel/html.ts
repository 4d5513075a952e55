// The panel page. Pure (no vscode import) so the browser test renders exactly this HTML under
// exactly this Content-Security-Policy.

export interface PanelHtmlOptions {
  /** URI of dist/webview.js as the webview sees it (asWebviewUri). */
  scriptUri: string;
  /** URI of the panel stylesheet (dist/media/panel.css). */
  styleUri: string;
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  nonce: string;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * default-src 'none' blocks everything not listed; scripts only with the nonce; styles only from
 * the extension (chart.js draws on a canvas and sets element styles through the CSSOM, which
 * style-src does not govern, so no 'unsafe-inline'); images from the extension or data: URLs
 * (the PNG export).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderPanelHtml(o: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}" nonce="${attr(o.nonce)}">
<title>XANES spectra</title>
</head>
<body>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
