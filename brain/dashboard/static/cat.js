// The drawn cat follows the body's servos, vibration and LEDs; the mouse is a hand on its pads.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const svg = document.getElementById("cat");
const NORMAL_PRESSURE = 0.55;   // a relaxed palm: pats, strokes, holds
const HARD_PRESSURE = 0.95;     // a slap (the server lands it within a few ms: a hit)
const HARD_SPEED = 1.2;         // drawing units per ms of approach that make a click a hit
const MIN_CONTACT_MS = 130;     // a mouse click lasts ~0 ms; a real pat touches for longer
const MIN_HARD_CONTACT_MS = 60; // a slap is short
const SEND_EVERY_MS = 25;

const joints = {};              // latest joint angles (degrees), by name
let vibrationLevel = 0;

function byId(id) { return document.getElementById(id); }

// -- drawing -----------------------------------------------------------------

function angle(name, fallback) {
  const v = joints[name];
  return v === null || v === undefined ? fallback : v;
}

function torsoPath(archDeg) {
  const lift = archDeg * 1.2;   // the spine servo arches (leans in) or flattens the back
  const top = 132 - lift;
  return `M148,172 C195,${top} 430,${top} 472,168 C505,200 470,252 405,258 ` +
    `L255,258 C190,258 138,236 148,172 Z`;
}

function drawCat() {
  // A limp servo (torque off) hangs at rest in the drawing.
  const pitch = angle("head_pitch", 0);
  const yaw = angle("head_yaw", 0);
  byId("head").setAttribute("transform", `rotate(${-pitch} 170 160)`);
  byId("face").setAttribute("transform", `translate(${yaw * 0.35} 0)`);
  byId("ear-left").setAttribute("transform", `rotate(${-angle("ear_left", 0)} 102 100)`);
  byId("ear-right").setAttribute("transform", `rotate(${-angle("ear_right", 0)} 140 100)`);
  const lid = Math.max(0, Math.min(100, angle("eyelids", 10)));
  byId("eyelid").setAttribute("height", (23 * lid / 100).toFixed(2));
  const lift = angle("tail_lift", 20);
  const swish = angle("tail_swish", 0);
  byId("tail").setAttribute("transform", `translate(468 172) rotate(${20 - lift})`);
  const tipX = 70 + swish * 0.6;
  byId("tail-path").setAttribute("d", `M0,0 C40,-5 ${60 + swish * 0.4},-40 ${tipX},-100`);
  byId("torso").setAttribute("d", torsoPath(angle("spine", 0)));
  // The purr is felt as a fast tremor of the whole body.
  const amp = vibrationLevel * 2.2;
  const dx = (Math.random() - 0.5) * amp;
  const dy = (Math.random() - 0.5) * amp;
  byId("cat-body").setAttribute("transform", `translate(${dx.toFixed(2)} ${dy.toFixed(2)})`);
  requestAnimationFrame(drawCat);
}

function setLeds(leds) {
  // The LED eyes: the visible eye glows with the first LED's colour when it is lit.
  const iris = byId("iris");
  const glow = byId("eye-glow");
  const lit = leds && leds.length && leds[0].some((c) => c > 0);
  if (lit) {
    const [r, g, b] = leds[0];
    iris.style.fill = `rgb(${r}, ${g}, ${b})`;
    glow.style.fill = `rgb(${r}, ${g}, ${b})`;
    glow.style.opacity = Math.min(0.8, Math.max(r, g, b) / 255);
  } else {
    iris.style.fill = "";
    glow.style.opacity = 0;
  }
  byId("cat").dataset.leds = JSON.stringify(leds || []);
}

function drawPads(pads) {
  const group = byId("pads");
  for (const pad of pads) {
    const dot = document.createElementNS(SVG_NS, "circle");
    dot.setAttribute("id", `pad-${pad.name}`);
    dot.setAttribute("class", "pad");
    dot.setAttribute("cx", pad.x);
    dot.setAttribute("cy", pad.y);
    dot.setAttribute("r", 5);
    dot.dataset.zone = pad.zone;
    dot.style.opacity = 0.15;
    const title = document.createElementNS(SVG_NS, "title");
    title.textContent = `${pad.name} (${pad.zone})`;
    dot.appendChild(title);
    group.appendChild(dot);
  }
}

function showPadContact(values, pads) {
  values.forEach((v, i) => {
    const dot = pads[i] && byId(`pad-${pads[i].name}`);
    if (dot) dot.style.opacity = (0.15 + 0.85 * Math.min(1, v)).toFixed(2);
  });
}

// -- the hand ----------------------------------------------------------------

const hand = { down: false, downAt: 0, pressure: 0, queue: [], recent: [] };

function toDrawing(event) {
  const point = svg.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  const p = point.matrixTransform(svg.getScreenCTM().inverse());
  return { x: p.x, y: p.y };
}

function approachSpeed(now) {
  const recent = hand.recent.filter((s) => now - s.t <= 150);
  if (recent.length < 2) return 0;
  const a = recent[0];
  const b = recent[recent.length - 1];
  return Math.hypot(b.x - a.x, b.y - a.y) / Math.max(1, b.t - a.t);
}

// A scribble: the pointer turned back at least SCRIBBLE_TURNS times in the last
// SCRIBBLE_WINDOW_MS while pressed. The hand then becomes dabbing fingertips.
const SCRIBBLE_TURNS = 2;
const SCRIBBLE_WINDOW_MS = 500;

function scribbling(now) {
  const recent = hand.recent.filter((s) => now - s.t <= SCRIBBLE_WINDOW_MS);
  let turns = 0;
  let sign = 0;
  for (let i = 1; i < recent.length; i++) {
    const dx = recent[i].x - recent[i - 1].x;
    if (Math.abs(dx) < 2) continue;
    const s = Math.sign(dx);
    if (sign && s !== sign) turns++;
    sign = s;
  }
  return turns >= SCRIBBLE_TURNS;
}

function showHand(x, y, visible) {
  const circle = byId("hand");
  circle.setAttribute("cx", visible ? x : -100);
  circle.setAttribute("cy", visible ? y : -100);
}

// Samples carry the input event's own time (same clock as performance.now()), not
// the time the handler ran, so a busy page does not stretch a slap into a pat.
svg.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  svg.setPointerCapture(event.pointerId);
  const now = event.timeStamp;
  const p = toDrawing(event);
  const hard = event.shiftKey || approachSpeed(now) > HARD_SPEED;
  let pressure = hard ? HARD_PRESSURE : NORMAL_PRESSURE;
  if (event.pointerType === "pen" && event.pressure > 0) pressure = 0.2 + 0.8 * event.pressure;
  hand.down = true;
  hand.downAt = now;
  hand.pressure = pressure;
  hand.queue.push({ t: now, x: p.x, y: p.y, p: pressure });
  showHand(p.x, p.y, true);
});

svg.addEventListener("pointermove", (event) => {
  const now = event.timeStamp;
  const p = toDrawing(event);
  hand.recent.push({ t: now, x: p.x, y: p.y });
  if (hand.recent.length > 20) hand.recent.shift();
  if (hand.down) {
    hand.queue.push({ t: now, x: p.x, y: p.y, p: hand.pressure, fingers: scribbling(now) });
    showHand(p.x, p.y, true);
  }
});

function lift(event) {
  if (!hand.down) return;
  const p = toDrawing(event);
  const shortest = hand.pressure >= HARD_PRESSURE ? MIN_HARD_CONTACT_MS : MIN_CONTACT_MS;
  const t = Math.max(event.timeStamp, hand.downAt + shortest);
  hand.down = false;
  hand.queue.push({ t, x: p.x, y: p.y, p: 0 });
  showHand(0, 0, false);
}
svg.addEventListener("pointerup", lift);
svg.addEventListener("pointercancel", lift);

function sendHand() {
  if (hand.queue.length === 0) return;
  const samples = hand.queue.splice(0, hand.queue.length);
  fetch("/hand", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ samples }),
  }).catch(() => {});
}
setInterval(sendHand, SEND_EVERY_MS);

// -- state from the brain -----------------------------------------------------

window.petCat = {
  pads: [],
  apply(state) {
    Object.assign(joints, state.joints);
    vibrationLevel = state.vibration.on ? Math.max(0.25, state.vibration.level) : 0;
    byId("purr-waves").classList.toggle("on", state.vibration.on);
    setLeds(state.leds);
    showPadContact(state.pads || [], this.pads);
  },
  start(config) {
    this.pads = config.pads;
    drawPads(config.pads);
    byId("hand").setAttribute("r", config.hand_radius);
    requestAnimationFrame(drawCat);
  },
};
