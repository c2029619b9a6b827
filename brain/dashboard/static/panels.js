// Panels: behaviour and why, mood, owner emotion, link, event log, inputs; and the state stream.
"use strict";

function el(id) { return document.getElementById(id); }

function bars(container, values, lo, hi) {
  container.replaceChildren();
  for (const [name, value] of Object.entries(values)) {
    const row = document.createElement("div");
    row.className = "bar";
    const label = document.createElement("span");
    label.textContent = name;
    const track = document.createElement("span");
    track.className = "track";
    const fill = document.createElement("span");
    fill.className = "fill";
    const zero = lo < 0 ? (0 - lo) / (hi - lo) : 0;
    const at = (Math.max(lo, Math.min(hi, value)) - lo) / (hi - lo);
    fill.style.left = `${100 * Math.min(zero, at)}%`;
    fill.style.width = `${100 * Math.abs(at - zero)}%`;
    track.appendChild(fill);
    const number = document.createElement("span");
    number.textContent = Number(value).toFixed(2);
    row.append(label, track, number);
    container.appendChild(row);
  }
}

function showBehaviour(behaviour, cable) {
  const name = el("behaviour-name");
  const why = el("behaviour-why");
  // With the cable out the body gets no commands: whatever the brain last chose is not
  // what the body does, so say what the body does instead.
  el("behaviour-panel").classList.toggle("stale", !cable);
  if (!cable) {
    name.textContent = "cable out";
    why.textContent = "the body gets no commands and rests; " +
      (behaviour ? `the brain last chose ${behaviour.name}` : "the brain keeps running");
    return;
  }
  if (!behaviour) {
    name.textContent = "idle";
    why.textContent = "breathing, blinking, ear flicks";
    return;
  }
  name.textContent = behaviour.name;
  const w = behaviour.why || {};
  const lost = (w.lost || []).map((l) => `${l.behaviour}: ${l.reason}`).join("; ");
  why.textContent = `because ${w.trigger || "?"} (priority ${w.priority ?? "?"})` +
    (lost ? `; over ${lost}` : "") + (behaviour.description ? ` - ${behaviour.description}` : "");
}

// The pet's home date and time: simulated (the scenario's start plus its clock) or the host's.
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
function showCalendar(calendar) {
  if (!calendar) return;
  const [date, time] = calendar.home_time.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const day = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  const whose = calendar.simulated ? "simulated" : "this machine's clock";
  el("scenario").textContent = `${scenarioName}, ${day} ${date} ${time.slice(0, 5)} (${whose})`;
  el("clock").title = `home time ${day} ${date} ${time} (${whose})`;
}

// The behaviour library: how many behaviours, or (red) why a saved file was not taken.
function showLibrary(library) {
  const line = el("library-status");
  if (!library) { line.textContent = ""; return; }
  line.classList.toggle("broken", !library.ok);
  if (library.ok) {
    line.textContent = `library: ${library.behaviours} behaviours`;
    line.title = "";
  } else {
    const problems = library.problems || [];
    line.textContent = `library NOT reloaded, last good kept: ${problems[0] || "?"}`;
    line.title = problems.join("\n");
  }
}

function showOwner(owner) {
  const box = el("owner");
  box.replaceChildren();
  box.classList.toggle("not-sure", Boolean(owner && owner.available && owner.not_sure));
  if (!owner || !owner.available) {
    const note = document.createElement("div");
    note.className = "unavailable";
    note.textContent = (owner && owner.reason) || "no estimate";
    box.appendChild(note);
    return;
  }
  // Below the confidence threshold the estimate is not a label: "not sure", bars grey.
  const head = document.createElement("div");
  head.className = "headline";
  const confidence = `confidence ${owner.confidence.toFixed(2)}`;
  head.textContent = (owner.not_sure ? `not sure (${confidence})` : `${owner.label}, ${confidence}`) +
    (owner.conflict > 0.2 ? `; ${owner.conflict_between.join(" vs ")} disagree` : "");
  box.appendChild(head);
  const grid = document.createElement("div");
  grid.className = "owner-grid";
  const left = document.createElement("div");
  bars(left, owner.emotion, 0, 1);
  const right = document.createElement("div");
  bars(right, { valence: owner.valence, arousal: owner.arousal }, -1, 1);
  // A modality's share of the estimate times its freshness: a touch fades out after
  // the hand lifts instead of staying at 1.00.
  const title = document.createElement("div");
  title.className = "why";
  title.textContent = "contribution x freshness";
  right.appendChild(title);
  const shares = document.createElement("div");
  shares.id = "contributions";
  const weights = owner.weights || {};
  const faded = {};
  for (const [name, share] of Object.entries(owner.contributions)) {
    faded[name] = share * (name in weights ? weights[name] : 1);
  }
  bars(shares, faded, 0, 1);
  right.appendChild(shares);
  grid.append(left, right);
  box.appendChild(grid);
}

function showLearned(learned) {
  const box = el("learned");
  box.replaceChildren();
  const lines = learned && learned.available ? [...learned.notices, ...learned.lines]
    : [(learned && learned.reason) || "no owner memory"];
  for (const text of lines) {
    const line = document.createElement("div");
    line.className = learned && learned.available ? "why" : "unavailable";
    line.textContent = text;
    box.appendChild(line);
  }
}

function showHeard(heard) {
  const box = el("heard");
  if (!heard) {
    box.textContent = "nothing heard yet";
    return;
  }
  box.replaceChildren();
  const head = document.createElement("div");
  head.className = "why";
  const arousal = heard.arousal === null ? "-" : heard.arousal.toFixed(2);
  const valence = heard.valence === null ? "-" : heard.valence.toFixed(2);
  head.textContent = `voice at ${(heard.t_ms / 1000).toFixed(1)} s: arousal ${arousal}, ` +
    `valence ${valence}, confidence ${(heard.confidence || 0).toFixed(2)}`;
  box.appendChild(head);
  const holder = document.createElement("div");
  holder.className = "bars";
  bars(holder, heard.emotion || {}, 0, 1);
  box.appendChild(holder);
}

function showSeen(seen) {
  const box = el("seen");
  if (!seen) {
    box.textContent = "nothing in view";
    return;
  }
  box.replaceChildren();
  const head = document.createElement("div");
  head.className = "why";
  const who = seen.face ? "a face" : "no face";
  const owner = seen.owner_present ? ", owner present" : "";
  const look = seen.face && seen.looking_at_pet ? ", looking at the pet" : "";
  head.textContent = `${who} at ${(seen.t_ms / 1000).toFixed(1)} s${look}${owner}`;
  box.appendChild(head);
  if (seen.face) {
    const holder = document.createElement("div");
    holder.className = "bars";
    bars(holder, seen.expression, 0, 1);
    box.appendChild(holder);
  }
}

function showLink(link) {
  const table = el("link");
  table.replaceChildren();
  const keys = ["frames_in", "frames_out", "crc_errors", "framing_errors", "resends",
    "commands_failed", "connects", "disconnects", "rtt_ms"];
  for (const key of keys) {
    const row = table.insertRow();
    row.insertCell().textContent = key;
    const v = link[key];
    row.insertCell().textContent = v === null ? "-" : (typeof v === "number" ? +v.toFixed(2) : v);
  }
}

let scenarioName = "";
let lastLogKey = "";
function showLog(events) {
  const key = events.length ? `${events.length}:${events[events.length - 1].t_ms}:${events[events.length - 1].text}` : "";
  if (key === lastLogKey) return;
  lastLogKey = key;
  const list = el("log");
  list.replaceChildren();
  for (const event of events.slice().reverse()) {
    const item = document.createElement("li");
    item.className = event.kind;
    item.textContent = `${(event.t_ms / 1000).toFixed(2)}s ${event.text}`;
    list.appendChild(item);
  }
}

function showInputs(inputs) {
  if (!inputs) return;
  const handling = inputs.handling;
  for (const button of document.querySelectorAll("[data-handling]")) {
    button.disabled = !handling.available;
    button.title = handling.reason;
  }
  el("handling-note").textContent = handling.available ? "" : `not available: ${handling.reason}`;
  for (const kind of ["face", "voice"]) {
    const status = inputs[kind];
    const input = el(`${kind}-file`);
    input.disabled = !status.available;
    input.parentElement.classList.toggle("disabled", !status.available);
    el(`${kind}-note`).textContent = status.available ? "" : `not available: ${status.reason}`;
  }
}

// The pet's sounds play in the browser (once the page has been clicked: autoplay rules).
let lastSound = null;
function playSounds(sounds) {
  if (!sounds || sounds.length === 0) return;
  const newest = sounds[sounds.length - 1].seq;
  if (lastSound === null) { lastSound = newest; return; }  // not what played before we came
  for (const sound of sounds) {
    if (sound.seq <= lastSound) continue;
    const audio = new Audio(`/sounds/${encodeURIComponent(sound.name)}.wav`);
    audio.volume = Math.max(0, Math.min(1, sound.volume));
    audio.play().catch(() => {});
    el("sound").textContent = `sound ${sound.name}`;
    el("sound").dataset.on = "true";
    setTimeout(() => { el("sound").dataset.on = "false"; }, 800);
  }
  lastSound = newest;
}

function apply(state) {
  playSounds(state.sounds);
  window.petCat.apply(state);
  el("clock").textContent = `t = ${(state.t_ms / 1000).toFixed(1)} s`;
  showCalendar(state.calendar);
  const torque = el("torque");
  torque.textContent = state.torque ? "torque on" : "torque off";
  torque.classList.toggle("on", state.torque);
  el("battery").textContent = `battery ${(state.battery_mv / 1000).toFixed(2)} V`;
  el("link-state").textContent = state.link_ready ? "link up" : (state.cable ? "link: handshaking" : "cable out");
  const cable = el("cable-button");
  cable.dataset.plugged = String(state.cable);
  cable.textContent = state.cable ? "unplug cable" : "plug cable in";
  const purr = el("purr-indicator");
  purr.dataset.on = String(state.vibration.on);
  purr.textContent = state.vibration.on
    ? `vibration ${state.vibration.pattern} ${state.vibration.level.toFixed(2)}` : "vibration off";
  showBehaviour(state.behaviour, state.cable);
  showLibrary(state.library);
  bars(el("mood"), state.mood, -1, 1);
  showOwner(state.owner);
  showLearned(state.learned);
  showHeard(state.heard);
  showSeen(state.seen);
  showLink(state.link);
  showLog(state.events);
  showInputs(state.inputs);
  try {
    window.petGrids.apply(state.grids);
  } catch (error) {  // a bad heat map must not stop the timeline nor the next document
    console.error("taxel grids:", error);
  }
  window.petTimeline.add(state);
}

async function post(path, body, contentType) {
  const result = el("action-result");
  try {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": contentType }, body });
    const data = await response.json();
    result.textContent = response.ok ? `${path.slice(1)}: ok` : data.error;
  } catch (error) {
    result.textContent = `${path.slice(1)}: ${error}`;
  }
}

for (const button of document.querySelectorAll("[data-handling]")) {
  button.addEventListener("click", () =>
    post("/handling", JSON.stringify({ action: button.dataset.handling }), "application/json"));
}
el("cable-button").addEventListener("click", () => {
  const plugged = el("cable-button").dataset.plugged === "true";
  post("/cable", JSON.stringify({ plugged: !plugged }), "application/json");
});
// A thumbnail of the face shown to the camera stays in this page only (never uploaded twice,
// never stored: the object URL lives as long as the page).
let faceThumbUrl = null;
function showFaceThumbnail(file) {
  if (faceThumbUrl) URL.revokeObjectURL(faceThumbUrl);
  faceThumbUrl = URL.createObjectURL(file);
  const thumb = el("face-thumb");
  thumb.src = faceThumbUrl;
  thumb.hidden = false;
}

for (const kind of ["face", "voice"]) {
  el(`${kind}-file`).addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) {
      if (kind === "face") showFaceThumbnail(file);
      post(`/${kind}`, file, file.type || "application/octet-stream");
    }
    event.target.value = "";
  });
}

async function main() {
  const config = await (await fetch("/config")).json();
  scenarioName = `scenario: ${config.scenario}`;
  el("scenario").textContent = scenarioName;
  window.petCat.start(config);
  window.petGrids.start(config);
  await window.petTimeline.start(config);
  const stream = new EventSource("/events");
  stream.onmessage = (message) => apply(JSON.parse(message.data));
  stream.onerror = () => { el("clock").textContent = "reconnecting..."; };
}
main();
