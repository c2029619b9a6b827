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

function showBehaviour(behaviour) {
  const name = el("behaviour-name");
  const why = el("behaviour-why");
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

function showOwner(owner) {
  const box = el("owner");
  box.replaceChildren();
  if (!owner || !owner.available) {
    const note = document.createElement("div");
    note.className = "unavailable";
    note.textContent = (owner && owner.reason) || "no estimate";
    box.appendChild(note);
    return;
  }
  const head = document.createElement("div");
  head.className = "why";
  head.textContent = `${owner.label}, confidence ${owner.confidence.toFixed(2)}` +
    (owner.conflict > 0.2 ? `; ${owner.conflict_between.join(" vs ")} disagree` : "");
  box.appendChild(head);
  const dims = document.createElement("div");
  bars(dims, { valence: owner.valence, arousal: owner.arousal }, -1, 1);
  box.appendChild(dims);
  const emotions = document.createElement("div");
  bars(emotions, owner.emotion, 0, 1);
  box.appendChild(emotions);
  const title = document.createElement("div");
  title.className = "why";
  title.textContent = "each modality's contribution";
  box.appendChild(title);
  const shares = document.createElement("div");
  shares.id = "contributions";
  bars(shares, owner.contributions, 0, 1);
  box.appendChild(shares);
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
  showBehaviour(state.behaviour);
  bars(el("mood"), state.mood, -1, 1);
  showOwner(state.owner);
  showLearned(state.learned);
  showHeard(state.heard);
  showSeen(state.seen);
  showLink(state.link);
  showLog(state.events);
  showInputs(state.inputs);
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
for (const kind of ["face", "voice"]) {
  el(`${kind}-file`).addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) post(`/${kind}`, file, file.type || "application/octet-stream");
    event.target.value = "";
  });
}

async function main() {
  const config = await (await fetch("/config")).json();
  el("scenario").textContent = `scenario: ${config.scenario}`;
  window.petCat.start(config);
  const stream = new EventSource("/events");
  stream.onmessage = (message) => apply(JSON.parse(message.data));
  stream.onerror = () => { el("clock").textContent = "reconnecting..."; };
}
main();
