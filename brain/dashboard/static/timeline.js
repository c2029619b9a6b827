// The session's timeline: mood valence and arousal, the owner's valence and the behaviours.
// Rows come from /timeline once (the session so far, kept by the server) and then from
// every state document, one each ROW_MS of the session's clock (brain/dashboard/history.py).
"use strict";

const ROW_MS = 250;
const MAX_ROWS = 4 * 3600;
const NOT_SURE_BELOW = 0.3;     // as brain/dashboard/document.py
const BAND_PX = 20;             // the behaviours' band under the lines
const COLOURS = { moodValence: "#c2410c", moodArousal: "#2563eb", owner: "#15803d", unsure: "#b8b0a6" };

function rowOf(state) {
  const owner = state.owner && state.owner.available ? state.owner : null;
  return {
    t_ms: state.t_ms,
    mood: state.mood || {},
    behaviour: state.behaviour ? state.behaviour.name : null,
    owner: owner ? {
      valence: owner.valence, arousal: owner.arousal, confidence: owner.confidence, label: owner.label,
    } : null,
  };
}

function behaviourColour(name) {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${hash}, 55%, 72%)`;
}

window.petTimeline = {
  rows: [],
  nextMs: 0,
  dirty: false,

  async start(config) {
    if (config.robot) return;  // the robot's dashboard keeps no history: the page collects it
    try {
      const response = await fetch("/timeline");
      if (response.ok) this.rows = await response.json();
      const last = this.rows[this.rows.length - 1];
      if (last) this.nextMs = last.t_ms + ROW_MS;
    } catch (error) {
      this.rows = [];
    }
    this.dirty = true;
    requestAnimationFrame(() => this.draw());
  },

  add(state) {
    if (state.t_ms < this.nextMs) return;
    this.nextMs = state.t_ms + ROW_MS;
    this.rows.push(rowOf(state));
    if (this.rows.length > MAX_ROWS) this.rows.shift();
    if (!this.dirty) {
      this.dirty = true;
      requestAnimationFrame(() => this.draw());
    }
  },

  draw() {
    this.dirty = false;
    const canvas = document.getElementById("timeline");
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (width === 0 || height === 0) return;
    const scale = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * scale)) canvas.width = Math.round(width * scale);
    if (canvas.height !== Math.round(height * scale)) canvas.height = Math.round(height * scale);
    const g = canvas.getContext("2d");
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.clearRect(0, 0, width, height);
    const rows = this.rows;
    const left = 26;
    const plotHeight = height - BAND_PX - 16;
    g.font = "10px system-ui, sans-serif";
    g.fillStyle = "#7a6a58";
    g.fillText("+1", 2, 10);
    g.fillText(" 0", 2, plotHeight / 2 + 4);
    g.fillText("-1", 2, plotHeight);
    g.strokeStyle = "#e5ddd0";
    g.beginPath();
    g.moveTo(left, plotHeight / 2);
    g.lineTo(width, plotHeight / 2);
    g.stroke();
    if (rows.length < 2) return;
    const t0 = rows[0].t_ms;
    const span = Math.max(1000, rows[rows.length - 1].t_ms - t0);
    const x = (t) => left + ((width - left - 4) * (t - t0)) / span;
    const y = (v) => plotHeight / 2 - (Math.max(-1, Math.min(1, v)) * (plotHeight - 8)) / 2;

    // Behaviours: one band segment per run of the same behaviour, named when there is room.
    const bandTop = plotHeight + 4;
    let runStart = 0;
    for (let i = 1; i <= rows.length; i++) {
      const name = rows[runStart].behaviour;
      if (i < rows.length && rows[i].behaviour === name) continue;
      if (name) {
        const x0 = x(rows[runStart].t_ms);
        const x1 = x(i < rows.length ? rows[i].t_ms : rows[rows.length - 1].t_ms);
        g.fillStyle = behaviourColour(name);
        g.fillRect(x0, bandTop, Math.max(1, x1 - x0), BAND_PX);
        if (x1 - x0 > g.measureText(name).width + 6) {
          g.fillStyle = "#2b2118";
          g.fillText(name, x0 + 3, bandTop + 14);
        }
      }
      runStart = i;
    }

    const line = (value, colour, dashed) => {
      g.strokeStyle = colour;
      g.lineWidth = 1.6;
      g.setLineDash(dashed ? [4, 3] : []);
      g.beginPath();
      let drawing = false;
      for (const row of rows) {
        const v = value(row);
        if (v === null || v === undefined) { drawing = false; continue; }
        if (drawing) g.lineTo(x(row.t_ms), y(v)); else g.moveTo(x(row.t_ms), y(v));
        drawing = true;
      }
      g.stroke();
      g.setLineDash([]);
    };
    line((r) => r.mood.valence, COLOURS.moodValence, false);
    line((r) => r.mood.arousal, COLOURS.moodArousal, false);
    // The owner's valence, green where the estimate is sure enough, grey where it is not.
    line((r) => (r.owner && r.owner.confidence < NOT_SURE_BELOW ? r.owner.valence : null),
      COLOURS.unsure, true);
    line((r) => (r.owner && r.owner.confidence >= NOT_SURE_BELOW ? r.owner.valence : null),
      COLOURS.owner, false);

    g.fillStyle = "#7a6a58";
    g.fillText(`${(t0 / 1000).toFixed(0)} s`, left, height - 2);
    const end = `${(rows[rows.length - 1].t_ms / 1000).toFixed(0)} s`;
    g.fillText(end, width - g.measureText(end).width - 4, height - 2);
  },
};

window.addEventListener("resize", () => window.petTimeline.draw());
