// Colours come from the VS Code theme's CSS variables so the plot follows light, dark and
// high-contrast themes; the fallbacks only matter outside VS Code (tests, previews).
import type { SeriesKind } from './protocol';

export interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  palette: string[];
  highContrast: boolean;
  fontFamily: string;
}

const PALETTE_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
];

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function readTheme(doc: Document): Theme {
  const style = getComputedStyle(doc.body);
  const highContrast = doc.body.classList.contains('vscode-high-contrast') || doc.body.classList.contains('vscode-high-contrast-light');
  const foreground = cssVar(style, '--vscode-editor-foreground', '#333333');
  return {
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', withAlpha(foreground, 0.7)),
    grid: highContrast ? withAlpha(foreground, 0.5) : cssVar(style, '--vscode-editorWidget-border', withAlpha(foreground, 0.15)),
    background: cssVar(style, '--vscode-editor-background', '#ffffff'),
    palette: PALETTE_VARS.map(([name, fallback]) => cssVar(style, name, fallback)),
    highContrast,
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
  };
}

/** Same colour with the given opacity; understands #rgb, #rrggbb(aa) and rgb()/rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (m) {
    let hex = m[1];
    if (hex.length === 3 || hex.length === 4) hex = hex.split('').map((h) => h + h).join('');
    const r = parseInt(hex.slice(0, 2), 16);
    const g = parseInt(hex.slice(2, 4), 16);
    const b = parseInt(hex.slice(4, 6), 16);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) return `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})`;
  return c;
}

/** Colour of a curve: palette by index; the measurement (-1) in the foreground colour. */
export function seriesColor(theme: Theme, index: number): string {
  if (index < 0) return theme.foreground;
  return theme.palette[index % theme.palette.length];
}

/**
 * Dash pattern per palette cycle, so curves stay distinguishable beyond six and in high contrast.
 * A curve with an atom removed is always dashed and its Δμ dotted, whatever its colour: the dash
 * says "variant of a prediction" before the legend is read.
 */
export function seriesDash(index: number, kind: SeriesKind): number[] {
  if (kind === 'experimental') return [2, 3];
  if (kind === 'average') return [8, 4];
  if (kind === 'without') return [7, 4];
  if (kind === 'delta') return [1.5, 2.5];
  const cycle = Math.floor(index / 6) % 3;
  return [[], [6, 3], [2, 2]][cycle];
}
