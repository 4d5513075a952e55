// The chart.js plot: one line per curve, a filled ±2σ band for ensembles, dashed E0 markers,
// zoom/pan from chartjs-plugin-zoom and exact values in the tooltip. Δμ curves of overlays go on
// a right-hand axis of their own: they are ~0.01–0.1 against μ ~1 and would be flat on μ's.
import {
  Chart,
  type ChartDataset,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Tooltip,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { type Series, xValues } from './derive';
import { seriesColor, seriesDash, type Theme, withAlpha } from './theme';

interface Marker {
  x: number;
  color: string;
}

interface Point {
  x: number;
  y: number;
}

/** State the custom plugins read; kept outside chart options to avoid augmenting chart.js types. */
interface Overlay {
  markers: Marker[];
  theme: Theme;
}

const overlays = new WeakMap<Chart, Overlay>();

const e0Markers: Plugin<'line'> = {
  id: 'xanesE0Markers',
  afterDatasetsDraw(chart) {
    const o = overlays.get(chart);
    if (!o) return;
    const { ctx, chartArea, scales } = chart;
    const x = scales.x;
    ctx.save();
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.font = `11px ${o.theme.fontFamily}`;
    ctx.textAlign = 'center';
    // Labels of markers closer than a label's width would overprint: label the first only.
    let lastLabel = -Infinity;
    for (const m of [...o.markers].sort((a, b) => a.x - b.x)) {
      const px = x.getPixelForValue(m.x);
      if (px < chartArea.left || px > chartArea.right) continue;
      ctx.strokeStyle = m.color;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      if (px - lastLabel < 18) continue;
      lastLabel = px;
      ctx.fillStyle = m.color;
      ctx.fillText('E0', px, chartArea.top + 10);
    }
    ctx.restore();
  },
};

/** Paints the theme background so an exported PNG is readable outside VS Code. */
const background: Plugin<'line'> = {
  id: 'xanesBackground',
  beforeDraw(chart) {
    const o = overlays.get(chart);
    if (!o) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = o.theme.background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler, zoomPlugin);

export class SpectrumChart {
  readonly chart: Chart<'line', Point[]>;

  constructor(canvas: HTMLCanvasElement, theme: Theme) {
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      plugins: [e0Markers, background],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Energy (eV)' } },
          y: { type: 'linear', title: { display: true, text: 'μ' } },
          // grace: Δμ is often all ≤ 0 or ≥ 0, and its zero would sit on the chart's edge.
          y2: { type: 'linear', position: 'right', display: false, grace: '8%', title: { display: true, text: 'Δμ = without − full' } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            filter: (item) => !String(item.dataset.label ?? '').endsWith('σ'),
            callbacks: {
              title: (items) => (items.length > 0 ? `E = ${(items[0].parsed.x ?? NaN).toFixed(2)} eV` : ''),
              label: (item) => `${item.dataset.label ?? ''}: ${(item.parsed.y ?? NaN).toFixed(4)}`,
            },
          },
          zoom: {
            zoom: { wheel: { enabled: true }, pinch: { enabled: true }, drag: { enabled: true, modifierKey: 'shift' }, mode: 'xy' },
            pan: { enabled: true, mode: 'xy' },
          },
        },
      },
    });
    overlays.set(this.chart, { markers: [], theme });
  }

  update(series: readonly Series[], mode: 'absolute' | 'relative', yLabel: string, theme: Theme): void {
    const datasets: ChartDataset<'line', Point[]>[] = [];
    const markers: Marker[] = [];
    for (const s of series) {
      if (!s.visible) continue;
      const color = seriesColor(theme, s.color);
      const xs = xValues(s, mode);
      const width = (s.kind === 'average' ? 2.5 : s.kind === 'delta' ? 1.4 : 1.8) + (theme.highContrast ? 1 : 0);
      const yAxisID = s.axis;
      if (s.lower && s.upper) {
        const upper = s.upper;
        const lower = s.lower;
        // Upper edge first, then the lower edge filled back to it ('-1'): the band between them.
        datasets.push({ label: `${s.label} +2σ`, data: xs.map((x, i) => ({ x, y: upper[i] })), yAxisID, borderWidth: 0, pointRadius: 0, fill: false, borderColor: 'transparent' });
        datasets.push({
          label: `${s.label} −2σ`,
          data: xs.map((x, i) => ({ x, y: lower[i] })),
          yAxisID,
          borderWidth: 0,
          pointRadius: 0,
          fill: '-1',
          borderColor: 'transparent',
          backgroundColor: withAlpha(color, theme.highContrast ? 0.35 : 0.18),
        });
      }
      datasets.push({
        label: s.label,
        data: xs.map((x, i) => ({ x, y: s.y[i] })),
        yAxisID,
        borderColor: color,
        backgroundColor: color,
        borderWidth: width,
        borderDash: seriesDash(Math.max(0, s.color), s.kind),
        pointRadius: 0,
        pointHoverRadius: 3,
        fill: false,
        tension: 0,
      });
      // An overlay and its Δμ sit on their full curve's E0 (derive.ts), which is marked already.
      if (mode === 'absolute' && s.kind !== 'delta' && s.kind !== 'without') markers.push({ x: s.e0, color });
    }
    const hasDelta = series.some((s) => s.visible && s.axis === 'y2');
    const deltaTitle = series.some((s) => s.visible && s.axis === 'y2' && s.deltaScale) ? 'Δμ = without − full (normalised by the full curve)' : 'Δμ = without − full (as predicted)';
    if (mode === 'relative' && datasets.length > 0) markers.push({ x: 0, color: theme.foreground });
    const o = overlays.get(this.chart);
    if (o) {
      o.markers = markers;
      o.theme = theme;
    }
    const opts = this.chart.options;
    const y2 = opts.scales?.y2;
    if (y2) y2.display = hasDelta;
    for (const axis of ['x', 'y', 'y2'] as const) {
      const scale = opts.scales?.[axis];
      if (!scale) continue;
      scale.ticks = { color: theme.foreground, font: { family: theme.fontFamily } };
      // The Δμ axis has its own ticks but no grid: one set of grid lines is enough to read.
      scale.grid = axis === 'y2' ? { color: theme.grid, drawOnChartArea: false } : { color: theme.grid };
      scale.border = { color: theme.muted };
      if (scale.title) {
        scale.title.color = theme.foreground;
        scale.title.text = axis === 'x' ? (mode === 'absolute' ? 'Energy (eV)' : 'E − E0 (eV)') : axis === 'y2' ? deltaTitle : yLabel;
      }
    }
    this.chart.data.datasets = datasets;
    this.chart.update('none');
  }

  resetZoom(): void {
    this.chart.resetZoom();
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png', 1);
  }
}
