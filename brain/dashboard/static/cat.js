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

// How the body is handled (the virtual IMU's motion, from the state) and the
// latest touch gesture, each with the page time it arrived, for the drawing.
const LIFT_UNITS = 70;          // how high the cat is held, in drawing units
const LIFT_MS = 350;            // as sim.peripherals.VirtualImu
const LOWER_MS = 400;
const FALL_MS = 250;
const handling = { motion: "rest", since: 0, at: 0, fromLift: 0 };
let currentLift = 0;
const touchFx = { seen: false, t: null, gesture: "", zone: "", x: 0, y: 0, at: -1e9, ongoing: false };
const TOUCH_FX_MS = { hit: 450, pat: 400, tickle: 800 };
const HEAD_ZONES = ["head", "cheeks", "chin", "neck"];

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

// Where the handled body is now: lift 0 (floor) .. 1 (held), sideways shake, roll, squash.
function handlingPose(now) {
  const t = handling.since + Math.max(0, now - handling.at);
  const from = handling.fromLift;
  const pose = { lift: 0, dx: 0, rot: 0, squash: 1, held: false, landing: false };
  switch (handling.motion) {
    case "picked_up":
      pose.lift = from + (1 - from) * Math.min(1, t / LIFT_MS);
      pose.held = true;
      if (t >= LIFT_MS) pose.rot = 2 * Math.sin((2 * Math.PI * (t - LIFT_MS)) / 700);
      break;
    case "held":
      pose.lift = 1;
      pose.held = true;
      break;
    case "shaken":
      pose.lift = 1;
      pose.held = true;
      pose.dx = 14 * Math.sin((2 * Math.PI * t) / 200);
      pose.rot = 6 * Math.sin((2 * Math.PI * t) / 200 + 1);
      break;
    case "put_down":
      pose.lift = from * Math.max(0, 1 - t / LOWER_MS);
      pose.held = t < LOWER_MS;
      break;
    case "falling":
      pose.lift = from * Math.max(0, 1 - (t / FALL_MS) ** 2);
      pose.landing = t >= FALL_MS && t < FALL_MS + 500;
      if (t >= FALL_MS && t < FALL_MS + 180) pose.squash = 0.86;
      break;
    case "upside_down":
      pose.lift = 1;
      pose.held = true;
      pose.rot = 180;
      break;
    default:
      break;
  }
  return pose;
}

function touchEffect(now) {
  const age = now - touchFx.at;
  const gesture = touchFx.gesture;
  const limit = TOUCH_FX_MS[gesture];
  if (limit === undefined || age > limit) return { gesture: "", age };
  return { gesture, age, f: 1 - age / limit };
}

function drawCat() {
  const now = performance.now();
  const pose = handlingPose(now);
  currentLift = pose.lift;
  const fx = touchEffect(now);
  // A pat presses the head (or the back) down for a moment; a hit makes the body recoil.
  const patOnHead = fx.gesture === "pat" && HEAD_ZONES.includes(touchFx.zone);
  const dip = patOnHead ? -10 * fx.f : 0;
  const press = fx.gesture === "pat" && !patOnHead ? 5 * fx.f : 0;
  const recoil = fx.gesture === "hit" ? 10 * fx.f : 0;
  // A limp servo (torque off) hangs at rest in the drawing.
  const pitch = angle("head_pitch", 0);
  const yaw = angle("head_yaw", 0);
  byId("head").setAttribute("transform", `rotate(${(-pitch + dip).toFixed(2)} 170 160)`);
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
  // The purr is felt as a fast tremor of the whole body; a tickle as a wriggle.
  const amp = vibrationLevel * 2.2 + (fx.gesture === "tickle" ? 3 * fx.f : 0);
  const dx = (Math.random() - 0.5) * amp + pose.dx + recoil;
  const dy = (Math.random() - 0.5) * amp - pose.lift * LIFT_UNITS + press;
  const squash = pose.squash === 1 ? "" : ` translate(0 292) scale(1 ${pose.squash}) translate(0 -292)`;
  byId("cat-body").setAttribute(
    "transform",
    `translate(${dx.toFixed(2)} ${dy.toFixed(2)}) rotate(${pose.rot.toFixed(2)} 310 200)${squash}`,
  );
  byId("holding-hands").setAttribute("visibility", pose.held && pose.lift > 0.2 ? "visible" : "hidden");
  byId("landing").setAttribute("visibility", pose.landing ? "visible" : "hidden");
  const shadow = byId("shadow");
  shadow.setAttribute("rx", (170 * (1 - 0.45 * pose.lift)).toFixed(1));
  shadow.style.opacity = (1 - 0.6 * pose.lift).toFixed(2);
  // A hit shows where it landed; a tickle shows fingertips at work.
  const impact = byId("impact");
  impact.setAttribute("visibility", fx.gesture === "hit" ? "visible" : "hidden");
  impact.setAttribute("transform", `translate(${touchFx.x} ${touchFx.y - pose.lift * LIFT_UNITS}) scale(${(0.7 + 0.5 * (fx.f || 0)).toFixed(2)})`);
  const marks = byId("tickle-marks");
  marks.setAttribute("visibility", fx.gesture === "tickle" ? "visible" : "hidden");
  const jitter = ((now / 60) | 0) % 2 ? 3 : -3;
  marks.setAttribute("transform", `translate(${touchFx.x + jitter} ${touchFx.y - 18 - pose.lift * LIFT_UNITS})`);
  svg.dataset.handling = handling.motion;
  svg.dataset.touchEffect = fx.gesture;
  svg.dataset.headDip = dip.toFixed(1);
  requestAnimationFrame(drawCat);
}

function zoneCentre(zone, pads) {
  const inZone = pads.filter((p) => p.zone === zone);
  if (inZone.length === 0) return { x: 300, y: 150 };
  const x = inZone.reduce((sum, p) => sum + p.x, 0) / inZone.length;
  const y = inZone.reduce((sum, p) => sum + p.y, 0) / inZone.length;
  return { x, y };
}

function noteHandling(state) {
  const h = state.handling;
  if (!h) return;
  const now = performance.now();
  if (h.motion !== handling.motion || h.since_ms < handling.since) handling.fromLift = currentLift;
  handling.motion = h.motion;
  handling.since = h.since_ms;
  handling.at = now;
}

function noteTouch(touch, pads) {
  const t = touch ? touch.t_ms : null;
  if (!touchFx.seen) {  // what happened before the page opened is not news
    touchFx.seen = true;
    touchFx.t = t;
    return;
  }
  if (t === null || t === touchFx.t) return;
  touchFx.t = t;
  const where = zoneCentre(touch.zone, pads);
  Object.assign(touchFx, { gesture: touch.gesture, zone: touch.zone, ongoing: touch.ongoing });
  touchFx.x = where.x;
  touchFx.y = where.y;
  touchFx.at = performance.now();
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
    noteHandling(state);
    noteTouch(state.touch, this.pads);
  },
  start(config) {
    this.pads = config.pads;
    drawPads(config.pads);
    byId("hand").setAttribute("r", config.hand_radius);
    requestAnimationFrame(drawCat);
  },
};
