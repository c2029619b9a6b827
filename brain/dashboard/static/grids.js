// Taxel grids (pressure mats): each grid's newest frame as a heat map, head on the left.
// The state document's `grids` (brain/dashboard/grids.py) carries each grid's frame as
// rows x cols cells of 0..255, row-major, base64; rows run across the body, columns along
// it from head to tail. One canvas pixel is one cell (CSS scales it up, unsmoothed), so
// what the page shows can be read back exactly. A malformed entry is said under its map and
// leaves the last good picture; it never stops the rest of the page.
"use strict";

const SVG_NS_GRIDS = "http://www.w3.org/2000/svg";
const MAX_GRID_CELLS = 65536;  // the server sends at most 1024 a grid; anything past this is bad
const PRESSED_AT = 13;  // a cell at 5 % of a firm palm is a touch; below it, the mat's own noise

// 0 is the panel's paper, 255 a deep red: a warm ramp through amber.
const HEAT_STOPS = [
  [0, [251, 247, 241]],
  [40, [253, 224, 160]],
  [120, [245, 158, 11]],
  [200, [220, 38, 38]],
  [255, [127, 29, 29]],
];
const HEAT = (() => {
  const table = new Uint8ClampedArray(256 * 3);
  for (let v = 0; v < 256; v++) {
    let k = 0;
    while (k < HEAT_STOPS.length - 2 && v > HEAT_STOPS[k + 1][0]) k++;
    const [v0, c0] = HEAT_STOPS[k];
    const [v1, c1] = HEAT_STOPS[k + 1];
    const f = Math.min(1, Math.max(0, (v - v0) / (v1 - v0)));
    for (let i = 0; i < 3; i++) table[v * 3 + i] = Math.round(c0[i] + f * (c1[i] - c0[i]));
  }
  return table;
})();

function gridEl(id) { return document.getElementById(id); }

// The cells of one entry, or a sentence saying what is wrong with it.
function decodeGridCells(entry) {
  const rows = entry.rows;
  const cols = entry.cols;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    return { error: `bad frame: ${rows} x ${cols} cells` };
  }
  if (rows * cols > MAX_GRID_CELLS) return { error: `bad frame: ${rows} x ${cols} is too large` };
  if (typeof entry.cells !== "string") return { error: "bad frame: no cells" };
  let text;
  try {
    text = atob(entry.cells);
  } catch (error) {
    return { error: "bad frame: cells are not base64" };
  }
  if (text.length !== rows * cols) {
    return { error: `bad frame: ${text.length} cells for ${rows} x ${cols}` };
  }
  const cells = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) cells[i] = text.charCodeAt(i);
  return { rows, cols, cells };
}

function paintGrid(canvas, rows, cols, cells) {
  if (canvas.width !== cols || canvas.height !== rows) {
    canvas.width = cols;
    canvas.height = rows;
  }
  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i] * 3;
    image.data[i * 4] = HEAT[v];
    image.data[i * 4 + 1] = HEAT[v + 1];
    image.data[i * 4 + 2] = HEAT[v + 2];
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

function describeGesture(gesture) {
  if (!gesture) return "no gesture yet";
  const direction = gesture.direction ? ` ${gesture.direction.replace("_", " ")}` : "";
  const live = gesture.ongoing ? " (ongoing)" : "";
  return `${gesture.gesture}${direction} at ${(gesture.t_ms / 1000).toFixed(1)} s${live}`;
}

window.petGrids = {
  grids: [],
  shown: {},  // grid index -> the frame drawn last
  lines: {},  // grid index -> what the drawn frame is (its number, time and peak)

  start(config) {
    this.grids = Array.isArray(config.grids) ? config.grids : [];
    const panel = gridEl("skin-panel");
    panel.hidden = this.grids.length === 0;
    const box = gridEl("grids");
    box.replaceChildren();
    const pads = gridEl("pads");
    for (const grid of this.grids) {
      const figure = document.createElement("figure");
      figure.className = "grid";
      const canvas = document.createElement("canvas");
      canvas.id = `grid-${grid.index}`;
      const [across, along] = grid.drawn;
      canvas.width = along;
      canvas.height = across;
      canvas.dataset.state = "waiting";
      canvas.dataset.peak = "0";
      canvas.setAttribute("aria-label", `pressure on ${grid.name} (${grid.zone}), head on the left`);
      const caption = document.createElement("figcaption");
      const title = document.createElement("span");
      title.className = "grid-title";
      title.textContent = `${grid.name}: ${grid.zone}, ${grid.shape[0]} x ${grid.shape[1]} taxels`;
      const ends = document.createElement("span");
      ends.className = "grid-ends";
      ends.textContent = "head \u2190 \u2192 tail";
      const note = document.createElement("div");
      note.className = "grid-note";
      note.id = `grid-note-${grid.index}`;
      note.textContent = "no frame yet";
      caption.append(title, ends);
      figure.append(caption, canvas, note);
      box.appendChild(figure);
      // Where the mat lies on the drawing: the pointer over it presses the mat.
      if (pads) {
        const mat = document.createElementNS(SVG_NS_GRIDS, "rect");
        mat.id = `mat-${grid.index}`;
        mat.setAttribute("class", "mat");
        mat.setAttribute("x", grid.x0);
        mat.setAttribute("y", grid.y - 8);
        mat.setAttribute("width", Math.max(4, grid.x1 - grid.x0));
        mat.setAttribute("height", 16);
        mat.setAttribute("rx", 4);
        const tip = document.createElementNS(SVG_NS_GRIDS, "title");
        tip.textContent = `${grid.name} (${grid.zone}): a pressure mat`;
        mat.appendChild(tip);
        pads.parentNode.insertBefore(mat, pads);
      }
    }
  },

  apply(entries) {
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      if (!entry || typeof entry !== "object") continue;
      const canvas = gridEl(`grid-${entry.index}`);
      const note = gridEl(`grid-note-${entry.index}`);
      if (!canvas || !note) continue;
      const gesture = describeGesture(entry.gesture);
      if (entry.frame === null || entry.frame === undefined) {
        note.textContent = `no frame yet; ${gesture}`;
        continue;
      }
      if (entry.error) {
        canvas.dataset.state = "bad";
        note.textContent = `${entry.error}; ${gesture}`;
        this.shown[entry.index] = null;  // the next good frame is drawn and said again
        continue;
      }
      const key = `${entry.frame}:${entry.t_ms}`;
      if (this.shown[entry.index] === key) {
        note.textContent = `${this.lines[entry.index]}; ${gesture}`;
        continue;
      }
      const decoded = decodeGridCells(entry);
      if (decoded.error) {
        canvas.dataset.state = "bad";
        note.textContent = `${decoded.error}; ${gesture}`;
        this.shown[entry.index] = null;
        continue;
      }
      this.shown[entry.index] = key;
      paintGrid(canvas, decoded.rows, decoded.cols, decoded.cells);
      let peak = 0;
      for (const v of decoded.cells) peak = Math.max(peak, v);
      canvas.dataset.state = peak >= PRESSED_AT ? "pressed" : "idle";
      canvas.dataset.peak = String(peak);
      canvas.dataset.frame = String(entry.frame);
      const mat = gridEl(`mat-${entry.index}`);
      if (mat) mat.style.fillOpacity = (0.12 + 0.6 * (peak / 255)).toFixed(2);
      this.lines[entry.index] = `frame ${entry.frame} at ${(entry.t_ms / 1000).toFixed(1)} s, ` +
        `peak ${Math.round((100 * peak) / 255)} %`;
      note.textContent = `${this.lines[entry.index]}; ${gesture}`;
    }
  },
};
