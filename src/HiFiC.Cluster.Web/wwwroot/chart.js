// A small line chart on a canvas: two series sharing the time axis, each with its own scale.
window.LineChart = class LineChart {
  constructor(canvas) { this.canvas = canvas; this.ctx = canvas.getContext('2d'); }

  draw(points, series) {
    const c = this.canvas, dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || c.width, h = c.clientHeight || c.height;
    if (c.width !== Math.round(w * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
    const g = this.ctx;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const pad = { l: 44, r: 44, t: 10, b: 22 };
    const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;
    g.strokeStyle = '#2a3440'; g.lineWidth = 1; g.font = '11px system-ui, sans-serif'; g.fillStyle = '#8a96a3';
    for (let i = 0; i <= 4; i++) {
      const y = pad.t + ph * i / 4;
      g.beginPath(); g.moveTo(pad.l, y); g.lineTo(pad.l + pw, y); g.stroke();
    }
    if (points.length < 2) { g.fillText('waiting for samples…', pad.l + 8, pad.t + 16); return; }
    const t0 = points[0].t, t1 = points[points.length - 1].t, span = Math.max(1, t1 - t0);
    g.textAlign = 'center';
    for (let i = 0; i <= 4; i++) {
      const s = Math.round((t1 - (t0 + span * i / 4)) / 1000);
      g.fillText(s === 0 ? 'now' : `-${s}s`, pad.l + pw * i / 4, h - 6);
    }
    series.forEach((s, k) => {
      const max = Math.max(1e-9, ...points.map(p => p[s.key])) * 1.15;
      g.textAlign = k === 0 ? 'right' : 'left'; g.fillStyle = s.color;
      for (let i = 0; i <= 4; i++) {
        const v = max * (4 - i) / 4, y = pad.t + ph * i / 4 + 4;
        g.fillText(v >= 10 ? v.toFixed(0) : v.toFixed(2), k === 0 ? pad.l - 6 : pad.l + pw + 6, y);
      }
      g.strokeStyle = s.color; g.lineWidth = s.width || 2; g.setLineDash(s.dash || []); g.beginPath();
      points.forEach((p, i) => {
        const x = pad.l + pw * (p.t - t0) / span, y = pad.t + ph * (1 - p[s.key] / max);
        i === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
      });
      g.stroke();
      g.setLineDash([]);
    });
  }
};
